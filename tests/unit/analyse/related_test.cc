// Related articles.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <set>

#include "analyse/analyse_internal.h"
#include "analyse_test_util.h"

using namespace dossier::analyse;
using namespace dossier::analyse::testing;

namespace {

std::vector<Document> Corpus() {
  return {
      Doc("f1", "Arsenal beat Chelsea",
          {"Arsenal beat Chelsea 2-1 in the Premiership on Saturday. Thierry Henry scored twice for Arsenal.",
           "Arsene Wenger said his Arsenal side played well against Chelsea."}),
      Doc("f2", "Chelsea lose to Arsenal",
          {"Chelsea manager Jose Mourinho said his side were unlucky to lose to Arsenal in the Premiership.",
           "Henry scored twice as Arsenal beat Chelsea on Saturday."}),
      Doc("f3", "Henry double for Arsenal",
          {"Thierry Henry scored twice in the Premiership as Arsenal won again. Wenger praised Henry."}),
      Doc("m1", "Oil prices hit record",
          {"Oil prices hit a record high as Opec ministers met in Vienna. Crude oil rose to $55 a barrel.",
           "Analysts said oil prices could fall when Opec raises output."}),
      Doc("m2", "Opec to raise oil output",
          {"Opec ministers agreed in Vienna to raise oil output as crude oil prices stayed high."}),
      Doc("z", "Gardening tips", {"Water tomatoes daily in summer; mulch keeps soil moist and weeds down."}),
  };
}

}  // namespace

TEST_CASE("related: similar articles link, best first, no self links or duplicates", "[analyse]") {
  std::vector<ArticleAnalysis> r = Run(Corpus());
  for (const ArticleAnalysis& a : r) {
    std::set<std::string> seen;
    for (size_t i = 0; i < a.related.size(); ++i) {
      const Related& x = a.related[i];
      CHECK(x.id != a.id);
      CHECK(seen.insert(x.id).second);
      CHECK(x.score > 0);
      CHECK(x.score <= 1);
    }
    CHECK(static_cast<int>(a.related.size()) <= AnalyseOptions().related_max);
  }
  // The football reports point at each other first.
  REQUIRE(!r[0].related.empty());
  CHECK(r[0].related[0].id.rfind("f", 0) == 0);
  REQUIRE(!r[3].related.empty());
  CHECK(r[3].related[0].id == "m2");
}

TEST_CASE("related: shared reasons name entities first", "[analyse]") {
  std::vector<ArticleAnalysis> r = Run(Corpus());
  const Related* link = nullptr;
  for (const Related& x : r[0].related) {
    if (x.id == "f2") link = &x;
  }
  REQUIRE(link != nullptr);
  REQUIRE(!link->shared.empty());
  CHECK((link->shared[0] == "Arsenal" || link->shared[0] == "Chelsea"));
}

TEST_CASE("related: an unrelated article gets no noise links", "[analyse]") {
  std::vector<ArticleAnalysis> r = Run(Corpus());
  CHECK(r[5].related.empty());
  for (const ArticleAnalysis& a : r) {
    for (const Related& x : a.related) CHECK(x.id != "z");
  }
}

TEST_CASE("related: related_max and related_min_score are honoured", "[analyse]") {
  AnalyseOptions o;
  o.related_max = 1;
  dossier::core::Diagnostics d;
  std::vector<ArticleAnalysis> r = Analyse(Corpus(), o, &d);
  for (const ArticleAnalysis& a : r) CHECK(a.related.size() <= 1);
  o.related_max = 5;
  o.related_min_score = 0.99;
  r = Analyse(Corpus(), o, &d);
  for (const ArticleAnalysis& a : r) CHECK(a.related.empty());
}

TEST_CASE("related: a single document has no links", "[analyse]") {
  std::vector<ArticleAnalysis> r = Run({Corpus()[0]});
  CHECK(r[0].related.empty());
}

TEST_CASE("KeepStrongest keeps what selecting on (weight desc, id asc) and sorting by id keeps", "[analyse][related]") {
  // Many ties (weights from a small set, zeros included), sizes around the
  // radix selection's switch to nth_element, and the edge cases.
  uint64_t state = 12345;
  auto next = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<uint32_t>(state >> 33);
  };
  std::vector<uint64_t> scratch;
  for (int round = 0; round < 400; ++round) {
    const int size = static_cast<int>(next() % 200);
    const int distinct = 1 + static_cast<int>(next() % 12);
    std::vector<std::pair<int, double>> v;
    int id = 0;
    for (int i = 0; i < size; ++i) {
      id += 1 + static_cast<int>(next() % 3);
      const uint32_t r = next();
      double w = (r % 7 == 0) ? 0.0 : static_cast<double>(r % distinct) / distinct + (round % 2 ? 1e-300 : 0.25);
      v.emplace_back(id, w);
    }
    for (int keep : {1, 2, 31, 32, 33, 64, size / 2, size - 1, size, size + 5}) {
      if (keep < 1) continue;
      auto expected = v;
      if (static_cast<int>(expected.size()) > keep) {
        std::nth_element(expected.begin(), expected.begin() + (keep - 1), expected.end(),
                         [](const auto& a, const auto& b) {
                           if (a.second != b.second) return a.second > b.second;
                           return a.first < b.first;
                         });
        expected.resize(static_cast<size_t>(keep));
        std::sort(expected.begin(), expected.end());
      }
      auto got = v;
      dossier::analyse::internal::KeepStrongest(&got, keep, &scratch);
      INFO("round " << round << ", size " << size << ", keep " << keep);
      REQUIRE(got == expected);
    }
  }
}
