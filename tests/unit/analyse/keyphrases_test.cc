// Keyphrases weighted against the corpus.
#include <catch2/catch.hpp>

#include <algorithm>

#include "analyse_test_util.h"

using namespace dossier::analyse;
using namespace dossier::analyse::testing;

TEST_CASE("keyphrases: recurring multi-word phrases rank first, corpus-common ones lower", "[analyse]") {
  std::vector<Document> docs = {
      Doc("a", "Maternity pay to rise",
          {"Maternity pay will rise next year. The government said maternity pay would be extended.",
           "Employers worry about maternity pay costs. The government said the plan was fair."}),
      Doc("b", "Budget plans", {"The government said taxes would rise. The government said the plan was fair."}),
      Doc("c", "Rail fares", {"The government said rail fares would rise. The government said it was fair."})};
  std::vector<ArticleAnalysis> r = Run(docs);
  REQUIRE(!r[0].keyphrases.empty());
  CHECK(r[0].keyphrases[0].text == "maternity pay");
  for (size_t i = 1; i < r[0].keyphrases.size(); ++i) {
    CHECK(r[0].keyphrases[i - 1].weight >= r[0].keyphrases[i].weight);
    // No keyphrase repeats words of a better one ("maternity" alone).
    CHECK(r[0].keyphrases[i].text != "maternity");
    CHECK(r[0].keyphrases[i].text != "pay");
  }
  CHECK(static_cast<int>(r[0].keyphrases.size()) <= AnalyseOptions().keyphrases_max);
}

TEST_CASE("keyphrases: stop words and bare numbers never form phrases", "[analyse]") {
  ArticleAnalysis a = Run({Doc("a", "", {"It is what it is. It is 2004 and 2004 it is."})})[0];
  for (const Keyphrase& k : a.keyphrases) {
    CHECK(k.text != "it is");
    CHECK(k.text != "2004");
  }
}
