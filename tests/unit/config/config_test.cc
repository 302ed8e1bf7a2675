#include <catch2/catch.hpp>

#include "config/config.h"

using dossier::config::Parse;
using dossier::config::SiteConfig;

namespace {
std::string Error(const std::string& yaml) {
  SiteConfig c;
  auto st = Parse(yaml, "dossier.yaml", &c);
  return st.ok() ? "ok" : st.ToString();
}
}  // namespace

TEST_CASE("config: defaults when empty", "[config]") {
  SiteConfig c;
  REQUIRE(Parse("", "dossier.yaml", &c).ok());
  CHECK(c.theme == "default");
  CHECK(c.summary_ratio == Approx(0.4));
  CHECK(c.brief_sentences == 3);
  CHECK(c.related_max == 5);
}

TEST_CASE("config: every key decodes", "[config]") {
  SiteConfig c;
  REQUIRE(Parse("title: T\nbase_url: https://x.org/sub\nsummary:\n  ratio: 0.25\n  sentences: 4\n  brief: 2\n"
                "related:\n  max: 3\n  min_score: 0.1\nsearch:\n  budget_kb: 100\ntheme: other\n",
                "dossier.yaml", &c)
              .ok());
  CHECK(c.title == "T");
  CHECK(c.base_url == "https://x.org/sub/");
  CHECK(c.summary_ratio == Approx(0.25));
  CHECK(c.summary_sentences == 4);
  CHECK(c.related_max == 3);
  CHECK(c.search_budget_kb == 100);
  CHECK(c.theme == "other");
}

TEST_CASE("config: unknown key names file:line:col with a suggestion", "[config]") {
  CHECK(Error("title: x\ntheem: default\n") ==
        "dossier.yaml:2:1: error: unknown key 'theem' (did you mean 'theme'?)");
  CHECK(Error("summary:\n  ratoi: 0.3\n") ==
        "dossier.yaml:2:3: error: unknown key 'summary.ratoi' (did you mean 'ratio'?)");
  CHECK(Error("zzzzzzzz: 1\n") == "dossier.yaml:1:1: error: unknown key 'zzzzzzzz'");
}

TEST_CASE("config: wrong types and ranges are errors with locations", "[config]") {
  CHECK(Error("summary:\n  ratio: lots\n") == "dossier.yaml:2:10: error: 'summary.ratio' must be a number");
  CHECK(Error("related:\n  max: 2.5\n") == "dossier.yaml:2:8: error: 'related.max' must be a whole number");
  CHECK(Error("related:\n  max: 99\n") == "dossier.yaml:2:8: error: 'related.max' must be between 0 and 50, not 99");
  CHECK(Error("title: [a, b]\n") == "dossier.yaml:1:8: error: 'title' must be a string");
  CHECK(Error("summary: 3\n") == "dossier.yaml:1:10: error: 'summary' must be a mapping of keys to values");
  CHECK(Error("base_url: example.org\n") ==
        "dossier.yaml:1:11: error: 'base_url' must be an absolute http(s) URL such as "
        "https://example.org/briefings/, not 'example.org'");
  CHECK(Error("theme: ../x\n") == "dossier.yaml:1:8: error: 'theme' must be the name of a folder in themes/, not '../x'");
}

TEST_CASE("config: malformed YAML names the position", "[config]") {
  std::string e = Error("title: ok\nlist: [1, 2\n");
  CHECK(e.rfind("dossier.yaml:", 0) == 0);
  CHECK(e.find("malformed YAML") != std::string::npos);
}
