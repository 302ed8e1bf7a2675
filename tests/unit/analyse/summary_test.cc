// Summary length, ranking and key points.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "analyse/analyse_internal.h"
#include "analyse_test_util.h"

using namespace dossier::analyse;
using namespace dossier::analyse::testing;
using namespace dossier::analyse::internal;

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

namespace {

// The definitions the fast paths must agree with exactly.
double RefDot(const SparseVec& a, const SparseVec& b) {
  double s = 0;
  for (size_t i = 0, j = 0; i < a.size() && j < b.size();) {
    if (a[i].first == b[j].first) {
      s += a[i++].second * b[j++].second;
    } else if (a[i].first < b[j].first) {
      ++i;
    } else {
      ++j;
    }
  }
  return s;
}

// Many short sentences over a small vocabulary, with repeats (so that
// redundancy skips some), and a few sentences of their own words.
std::vector<std::string> ManySentences(int n) {
  static const char* kWords[] = {"oil", "price", "bank", "rate", "vote", "team", "deal", "shares", "growth", "trade"};
  std::vector<std::string> out;
  uint32_t r = 12345;
  for (int i = 0; i < n; ++i) {
    std::string s;
    int len = 3 + static_cast<int>(r % 6);
    for (int w = 0; w < len; ++w) {
      r = r * 1103515245u + 12345u;
      s += (w ? " " : "") + std::string(kWords[(r >> 16) % 10]);
    }
    if (i % 7 == 0) s += " unique" + std::to_string(i);
    out.push_back(s + ".");
  }
  return out;
}

}  // namespace

TEST_CASE("summary: redundancy control equals comparing with every picked sentence", "[analyse]") {
  std::vector<std::string> sents = ManySentences(3000);
  std::vector<SparseVec> vecs = SentenceVectors(sents);
  std::vector<double> scores = RankSentences(sents, "Oil price", vecs);
  for (int k : {1, 50, 1200, 3000}) {
    std::vector<int> ranking;
    std::vector<int> picked = PickSummary(vecs, scores, k, &ranking);
    // Reference: every candidate against every picked sentence.
    std::vector<int> order(sents.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
      return scores[a] != scores[b] ? scores[a] > scores[b] : a < b;
    });
    std::vector<int> want, skipped;
    for (int i : order) {
      if (static_cast<int>(want.size()) >= k) break;
      bool redundant = false;
      for (int p : want) redundant = redundant || RefDot(vecs[i], vecs[p]) > Tuning().redundancy;
      (redundant ? skipped : want).push_back(i);
    }
    for (int i : skipped)
      if (static_cast<int>(want.size()) < k) want.push_back(i);
    REQUIRE(ranking.size() == sents.size());
    CHECK(std::equal(want.begin(), want.end(), ranking.begin()));  // pick order
    std::sort(want.begin(), want.end());
    CHECK(picked == want);
    if (k >= 50) CHECK(!skipped.empty());  // the test exercises redundancy
  }
}

TEST_CASE("summary: a very long document is ranked by similarity to its centroid", "[analyse]") {
  std::vector<std::string> sents = ManySentences(2000);  // over the all-pairs limit
  std::vector<SparseVec> vecs = SentenceVectors(sents);
  const double saved_title = Tuning().title_weight, saved_pos = Tuning().position_weight;
  Tuning().title_weight = Tuning().position_weight = 0;
  std::vector<double> scores = RankSentences(sents, "", vecs);
  Tuning().title_weight = saved_title;
  Tuning().position_weight = saved_pos;
  std::map<int, double> sum;
  for (const SparseVec& v : vecs)
    for (auto& [k, w] : v) sum[k] += w;
  SparseVec centroid(sum.begin(), sum.end());
  REQUIRE(scores.size() == sents.size());
  for (size_t i = 0; i < sents.size(); ++i) CHECK(scores[i] == RefDot(vecs[i], centroid) / sents.size());
}
