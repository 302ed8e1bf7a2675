// Inputs that must not break the analysis. Behaviour is asserted, not time.
#include <catch2/catch.hpp>

#include <string>

#include "analyse_test_util.h"

using namespace dossier::analyse;
using namespace dossier::analyse::testing;

TEST_CASE("pathological: no sentence punctuation at all", "[analyse]") {
  std::string p;
  for (int i = 0; i < 300; ++i) p += "word" + std::to_string(i % 37) + " ";
  std::vector<ArticleAnalysis> r = Run({Doc("x", "", {p, p})});
  REQUIRE(r[0].sentences.size() == 2);
  CHECK(r[0].summary.size() == 1);
}

TEST_CASE("pathological: a 100,000-word article", "[analyse]") {
  static const char* kWords[] = {"Government", "plans", "rise", "London", "said", "Smith", "oil", "prices",
                                 "market",     "the",   "of",   "growth", "2004", "fell", "Bank", "England"};
  std::vector<std::string> paras;
  std::string cur;
  for (int i = 0; i < 100000; ++i) {
    cur += kWords[(i * 7 + i / 13) % 16];
    cur += (i % 17 == 16) ? ". " : " ";
    if (i % 400 == 399) {
      paras.push_back(cur);
      cur.clear();
    }
  }
  std::vector<ArticleAnalysis> r = Run({Doc("big", "Big", paras), Doc("small", "Small", {"Oil prices fell."})}, 2);
  const ArticleAnalysis& a = r[0];
  CHECK(a.sentences.size() > 1000);
  CHECK(a.summary.size() == static_cast<size_t>((a.sentences.size() * 4 + 9) / 10));
  CHECK(a.ranking.size() == a.sentences.size());
  CHECK(a.key_points.size() == 5);
}

TEST_CASE("pathological: only quotes", "[analyse]") {
  std::vector<ArticleAnalysis> r =
      Run({Doc("q", "", {"\"\"\"\"", "\"", "\xE2\x80\x9C\xE2\x80\x9D \xE2\x80\x9C", "\"A quote that never closes"})});
  CHECK(r[0].sentences.size() >= 1);
  for (const Quote& q : r[0].quotes) CHECK(!q.text.empty());
}

TEST_CASE("pathological: another script", "[analyse]") {
  std::vector<ArticleAnalysis> r = Run({Doc("zh", "\xE4\xB8\xAD\xE5\x9B\xBD",
                                            {"\xE4\xB8\xAD\xE5\x9B\xBD\xE5\x92\x8C\xE4\xBF\x84\xE7\xBD\x97\xE6\x96\xAF"
                                             "\xE3\x80\x82\xE4\xBB\x96\xE8\xAF\xB4\xEF\xBC\x9A\xE2\x80\x9C\xE5\xA5\xBD"
                                             "\xE2\x80\x9D",
                                             "\xD0\x9C\xD0\xBE\xD1\x81\xD0\xBA\xD0\xB2\xD0\xB0 \xD0\xB8 "
                                             "\xD0\x9F\xD0\xB5\xD0\xBA\xD0\xB8\xD0\xBD. \xD0\x94\xD0\xB0."})});
  CHECK(!r[0].sentences.empty());
  CHECK(r[0].summary.size() >= 1);
}

TEST_CASE("pathological: empty and invalid input", "[analyse]") {
  dossier::core::Diagnostics d;
  std::vector<ArticleAnalysis> r = Analyse({Doc("e", "", {}), Doc("bad", "\xFF\xFE", {"\xC3\x28 \xFF. Abc."})},
                                           AnalyseOptions(), &d);
  REQUIRE(r.size() == 2);
  CHECK(r[0].sentences.empty());
  CHECK(r[0].summary.empty());
  CHECK(r[0].related.empty());
  CHECK(!d.empty());  // the empty document is reported
  CHECK(Analyse({}, AnalyseOptions(), &d).empty());
  CHECK(Analyse({Doc("x", "", {"One."})}, AnalyseOptions(), nullptr).size() == 1);
}

TEST_CASE("pathological: one paragraph of 20 000 sentences, each naming someone new", "[analyse]") {
  // A long report pasted as one paragraph: sentence splitting, entity
  // grouping and summary redundancy must not compare everything with
  // everything (each was quadratic in such a paragraph).
  std::string p;
  for (int i = 0; i < 20000; ++i) p += "Delegate Name" + std::to_string(i) + " of Ruritania spoke. ";
  std::vector<ArticleAnalysis> r = Run({Doc("long", "Long", {p}), Doc("small", "Small", {"Ruritania voted."})}, 2);
  const ArticleAnalysis& a = r[0];
  REQUIRE(a.sentences.size() == 20000);
  CHECK(a.sentences[19999].text == "Delegate Name19999 of Ruritania spoke.");
  CHECK(a.summary.size() == 8000);
  CHECK(a.ranking.size() == 20000);
  CHECK(a.entities.size() >= 20000);  // every delegate, and the country
}
