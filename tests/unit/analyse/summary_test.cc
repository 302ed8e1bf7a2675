// Summary length, ranking and key points.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "analyse_test_util.h"

using namespace dossier::analyse;
using namespace dossier::analyse::testing;

namespace {

Document Article() {
  return Doc("x", "Oil prices hit record high",
             {"Oil prices rose to a record high of $55 a barrel on Monday in New York.",
              "The rise in oil prices was driven by fears about supplies from Iraq and Russia.",
              "Analysts said prices could fall back later in the year.",
              "OPEC ministers will meet in Vienna on 10 December to discuss oil output.",
              "Petrol prices in the UK also rose, motoring groups said.",
              "The weather was mild.",
              "Some traders expect oil prices to stay high as winter demand for heating oil grows.",
              "Shares in BP rose 2% while airline shares fell."});
}

}  // namespace

TEST_CASE("summary: k = ceil(0.4 n) in article order", "[analyse]") {
  ArticleAnalysis a = Run({Article()})[0];
  const int n = static_cast<int>(a.sentences.size());
  REQUIRE(n == 8);
  CHECK(static_cast<int>(a.summary.size()) == static_cast<int>(std::ceil(0.4 * n)));
  CHECK(std::is_sorted(a.summary.begin(), a.summary.end()));
  // The sentence about the weather is not central.
  CHECK(std::find(a.summary.begin(), a.summary.end(), 5) == a.summary.end());
}

TEST_CASE("summary: ranking is a permutation, best first, led by the summary", "[analyse]") {
  ArticleAnalysis a = Run({Article()})[0];
  std::vector<int> r = a.ranking;
  REQUIRE(r.size() == a.sentences.size());
  std::vector<int> sorted = r;
  std::sort(sorted.begin(), sorted.end());
  std::vector<int> iota(r.size());
  std::iota(iota.begin(), iota.end(), 0);
  CHECK(sorted == iota);
  std::vector<int> head(r.begin(), r.begin() + a.summary.size());
  std::sort(head.begin(), head.end());
  CHECK(head == a.summary);
}

TEST_CASE("summary: summary_sentences overrides the ratio", "[analyse]") {
  AnalyseOptions o;
  o.summary_sentences = 2;
  dossier::core::Diagnostics d;
  ArticleAnalysis a = Analyse({Article()}, o, &d)[0];
  CHECK(a.summary.size() == 2);
  o.summary_sentences = 50;
  a = Analyse({Article()}, o, &d)[0];
  CHECK(a.summary.size() == a.sentences.size());
}

TEST_CASE("summary: sentences remember their paragraph", "[analyse]") {
  ArticleAnalysis a = Run({Doc("x", "", {"One. Two.", "Three."})})[0];
  REQUIRE(a.sentences.size() == 3);
  CHECK(a.sentences[0].paragraph == 0);
  CHECK(a.sentences[1].paragraph == 0);
  CHECK(a.sentences[2].paragraph == 1);
}

TEST_CASE("key points: 3 to 5 ascending sentences with facts", "[analyse]") {
  ArticleAnalysis a = Run({Article()})[0];
  CHECK(a.key_points.size() >= 3);
  CHECK(a.key_points.size() <= 5);
  CHECK(std::is_sorted(a.key_points.begin(), a.key_points.end()));
  CHECK(std::find(a.key_points.begin(), a.key_points.end(), 5) == a.key_points.end());
}

TEST_CASE("key points: short articles give what they have", "[analyse]") {
  ArticleAnalysis a = Run({Doc("x", "", {"Only one sentence here about the Bank of England."})})[0];
  CHECK(a.key_points == std::vector<int>{0});
  CHECK(a.summary == std::vector<int>{0});
}
