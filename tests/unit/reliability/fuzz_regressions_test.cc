// Every input a fuzz target (tests/fuzz/) crashed on, as a regression test.
// The inputs live in tests/fuzz/regressions/; the sanitizer suite
// (CMakePresets.json "asan", run by scripts/test) is what would report the
// memory errors again, the checks here pin the parsed results.
#include <catch2/catch.hpp>

#include "compose/compose.h"
#include "ingest/ingest.h"
#include "markdown/markdown.h"
#include "support/test_support.h"

using dossier::test::ReadFileOrDie;
using dossier::test::SourcePath;

TEST_CASE("reliability: fuzz regression: front matter values read through yaml-cpp's iterator proxy (ingest)",
          "[reliability][fuzz-regression]") {
  // ASan: stack-use-after-scope in ApplyFrontMatter — `const YAML::Node& v =
  // it->second` bound to a member of the iterator's temporary proxy.
  std::string bytes = ReadFileOrDie(SourcePath("tests/fuzz/regressions/article-front-matter-proxy.md"));
  dossier::ingest::Article a;
  dossier::core::Diagnostics d;
  REQUIRE(dossier::ingest::ParseArticle(bytes, "x.md", "seeds/x.md", {}, &a, &d));
  CHECK(a.title == "A <script>alert(1)</script> title");
  CHECK(a.byline == "By [Eve](javascript:alert(1))");
  CHECK(a.slug == "x");
  CHECK(a.tags == std::vector<std::string>{"a", "b"});
  CHECK(a.date.empty());  // 2020-02-30 is not a date: warned and ignored
}

TEST_CASE("reliability: fuzz regression: page front matter read through yaml-cpp's iterator proxy (compose)",
          "[reliability][fuzz-regression]") {
  std::string text = ReadFileOrDie(SourcePath("tests/fuzz/regressions/page-front-matter-proxy.md"));
  dossier::compose::Page p;
  REQUIRE(dossier::compose::ParsePage(text, "content/_index.md", &p).ok());
  CHECK(p.title == "Dossier");
  // The entities map (kind -> list) was read through the same proxy.
  std::string briefing =
      "---\ntitle: T\nentities:\n  people:\n    - name: Ana Lopez\n      slug: ana-lopez\n      count: 2\n"
      "  places:\n    - Geneva\n---\nBody.\n";
  dossier::compose::Page b;
  REQUIRE(dossier::compose::ParsePage(briefing, "content/briefings/t.md", &b).ok());
  REQUIRE(b.entities.size() == 2);
  CHECK(b.entities[0].name == "Ana Lopez");
  CHECK(b.entities[0].count == 2);
  CHECK(b.entities[1].name == "Geneva");
}

TEST_CASE("reliability: fuzz regression: an anchor cmark cannot place (table cell) is freed, not leaked",
          "[reliability][fuzz-regression]") {
  // LeakSanitizer (fuzz_markdown): the custom-inline anchor node that
  // cmark_node_insert_before refused inside a GFM table cell was never freed.
  std::string text = ReadFileOrDie(SourcePath("tests/fuzz/regressions/markdown-anchor-in-table-cell.md"));
  auto r = dossier::markdown::Render(text, {});
  CHECK(r.html.find("<table>") != std::string::npos);
  CHECK(r.html.find("x ") != std::string::npos);
  CHECK(r.html.find(" y") != std::string::npos);
  CHECK(r.html.find("{#") == std::string::npos);
}
