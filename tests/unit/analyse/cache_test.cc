#include <catch2/catch.hpp>

#include "analyse/analyse.h"

using namespace dossier::analyse;

namespace {

std::vector<Document> Corpus() {
  return {
      {"a", "Oil prices rise", {"Oil prices rose sharply on Monday, traders in London said.", "OPEC met in Vienna."}},
      {"b", "Talks in Moscow", {"Sergei Lavrov met Wang Yi in Moscow on Tuesday.", "\"We agree,\" Lavrov said."}},
      {"c", "Oil and gas", {"Gas prices followed oil prices higher in London.", "Traders expect more rises."}},
  };
}

bool Same(const std::vector<ArticleAnalysis>& x, const std::vector<ArticleAnalysis>& y) {
  if (x.size() != y.size()) return false;
  for (size_t i = 0; i < x.size(); ++i) {
    const auto &a = x[i], &b = y[i];
    if (a.id != b.id || a.summary != b.summary || a.ranking != b.ranking || a.key_points != b.key_points ||
        a.sentences.size() != b.sentences.size() || a.entities.size() != b.entities.size() ||
        a.quotes.size() != b.quotes.size() || a.related.size() != b.related.size() ||
        a.keyphrases.size() != b.keyphrases.size())
      return false;
    for (size_t k = 0; k < a.related.size(); ++k)
      if (a.related[k].id != b.related[k].id || a.related[k].score != b.related[k].score) return false;
    for (size_t k = 0; k < a.entities.size(); ++k)
      if (a.entities[k].name != b.entities[k].name || a.entities[k].count != b.entities[k].count) return false;
    for (size_t k = 0; k < a.quotes.size(); ++k)
      if (a.quotes[k].speaker != b.quotes[k].speaker) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("the analysis cache gives the same output and re-analyses only changed documents", "[analyse][cache]") {
  AnalysisCache cache;
  AnalyseOptions o;
  auto docs = Corpus();
  CHECK(Same(Analyse(docs, o, nullptr, &cache), Analyse(docs, o, nullptr)));
  CHECK(cache.misses() == 3);
  CHECK(Same(Analyse(docs, o, nullptr, &cache), Analyse(docs, o, nullptr)));
  CHECK(cache.hits() == 3);
  CHECK(cache.misses() == 0);
  docs[1].paragraphs[0] = "Sergey Lavrov met Wang Yi in Beijing on Tuesday.";  // edit
  docs.erase(docs.begin());                                                      // deletion
  docs.push_back({"d", "New", {"Oil traders in Vienna said prices would rise."}});  // new
  CHECK(Same(Analyse(docs, o, nullptr, &cache), Analyse(docs, o, nullptr)));
  CHECK(cache.hits() == 1);
  CHECK(cache.misses() == 2);
  o.summary_sentences = 1;  // other options: nothing reused
  CHECK(Same(Analyse(docs, o, nullptr, &cache), Analyse(docs, o, nullptr)));
  CHECK(cache.misses() == 3);
}
