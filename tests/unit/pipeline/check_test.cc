#include <catch2/catch.hpp>

#include "pipeline/pipeline.h"
#include "support/test_support.h"

using dossier::test::TempDir;
using dossier::test::WriteFileOrDie;

TEST_CASE("check: relative links, anchors and assets resolve; each broken one is listed", "[pipeline][check]") {
  TempDir t;
  WriteFileOrDie(t / "index.html",
                 "<a href=\"a/b.html#x\">ok</a><a href=\"a/b.html#nope\">bad anchor</a><a href=\"missing.html\">bad</a>"
                 "<link href=\"assets/s.css\"><a href=\"https://example.org/\">external</a><a href=\"#top\">top</a>");
  WriteFileOrDie(t / "a/b.html", "<h2 id=\"x\">X</h2><a href=\"../index.html\">home</a><a href=\"../../out.html\">out</a>");
  WriteFileOrDie(t / "assets/s.css", "");
  auto problems = dossier::pipeline::CheckSite(t.path());
  REQUIRE(problems.size() == 3);
  CHECK(problems[0] == "a/b.html: ../../out.html -> leaves the site");
  CHECK(problems[1] == "index.html: a/b.html#nope -> no element with id 'nope' in a/b.html");
  CHECK(problems[2] == "index.html: missing.html -> missing file missing.html");
}

TEST_CASE("check: root-relative links resolve under the base path only", "[pipeline][check]") {
  TempDir t;
  WriteFileOrDie(t / "index.html", "<a href=\"/sub/a.html\">in</a><a href=\"/sub/\">home</a><a href=\"/elsewhere/a.html\">x</a>");
  WriteFileOrDie(t / "a.html", "");
  auto problems = dossier::pipeline::CheckSite(t.path(), "/sub/");
  REQUIRE(problems.size() == 1);
  CHECK(problems[0] == "index.html: /elsewhere/a.html -> outside the base path /sub/");
  auto at_root = dossier::pipeline::CheckSite(t.path(), "/");
  CHECK(at_root.size() == 3);  // served at the root, none of the three exists
}
