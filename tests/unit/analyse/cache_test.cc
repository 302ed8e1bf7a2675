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
    for (size_t k = 0; k < a.keyphrases.size(); ++k)
      if (a.keyphrases[k].text != b.keyphrases[k].text || a.keyphrases[k].weight != b.keyphrases[k].weight) return false;
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

TEST_CASE("the analysis cache keeps keyphrase document frequencies right through edits, removals and duplicates",
          "[analyse][cache]") {
  // Phrase document frequencies are updated by difference between calls;
  // every step must weigh keyphrases exactly as counting afresh does.
  auto doc = [](std::string id, std::string title, std::string text) {
    return Document{std::move(id), std::move(title), {std::move(text)}};
  };
  std::vector<Document> docs = {
      doc("a", "Oil prices", "Oil prices rose. Oil prices fell. The central bank watched oil prices and interest rates."),
      doc("b", "Rates", "Interest rates rose. Interest rates worry the central bank. Oil prices rose too."),
      doc("c", "Banks", "The central bank held interest rates. The central bank spoke about oil prices."),
  };
  AnalysisCache cache;
  AnalyseOptions o;
  auto step = [&](const char* what) {
    INFO(what);
    auto cached = Analyse(docs, o, nullptr, &cache);
    auto fresh = Analyse(docs, o, nullptr);
    CHECK(Same(cached, fresh));
    size_t phrases = 0;
    for (const auto& a : fresh) phrases += a.keyphrases.size();
    CHECK(phrases > 0);
  };
  step("first call");
  docs.push_back(docs[0]);  // a duplicate of "a" (same text, same key)
  docs.back().id = "a2";
  step("a duplicate");
  docs[1].paragraphs[0] += " Interest rates and oil prices again.";
  step("an edit adding phrases");
  docs.erase(docs.begin());  // one of the two copies goes
  step("one copy removed");
  docs.erase(docs.begin() + 2);  // the other copy goes too
  step("both copies removed");
  docs.push_back(doc("d", "Markets", "Stock markets and oil prices. Stock markets rose. Stock markets fell."));
  step("a new document");
  // Keyphrases of unchanged documents are reused in memory only when
  // nothing they are picked from changed: not the number wanted...
  o.keyphrases_max = 1;
  step("fewer keyphrases wanted");
  o.keyphrases_max = AnalyseOptions().keyphrases_max;
  step("as many as before");
  // ... nor a document's entities after the corpus-wide merge (a name
  // variant in one document changes another's canonical name; a name's
  // words are no keyphrases).
  docs[1].paragraphs[0] += " Mervyn King spoke. King said stock markets and King Street mattered.";
  step("names in one document");
  docs[0].paragraphs[0] += " Governor Mervyn King of the central bank agreed.";
  step("the same name in another");
}

TEST_CASE("an exported analysis cache, imported into a new one, serves every document and gives the same output",
          "[analyse][cache]") {
  AnalyseOptions o;
  auto docs = Corpus();
  AnalysisCache first;
  auto fresh = Analyse(docs, o, nullptr, &first);
  dossier::core::ByteWriter w;
  first.Export(&w);

  AnalysisCache second;  // as in a new process
  dossier::core::ByteReader r(w.bytes());
  REQUIRE(second.Import(&r));
  CHECK(r.done());
  CHECK(second.size() == 3);
  CHECK(Same(Analyse(docs, o, nullptr, &second), fresh));
  CHECK(second.hits() == 3);
  CHECK(second.misses() == 0);
  // The entries carry quotes, entities and term counts, not only keys:
  // an edit elsewhere still gives the same keyphrases and related lists.
  docs[2].paragraphs[0] = "Gas prices fell in London as Lavrov spoke.";
  CHECK(Same(Analyse(docs, o, nullptr, &second), Analyse(docs, o, nullptr)));
  CHECK(second.hits() == 2);

  SECTION("damaged bytes: Import fails and leaves the cache empty") {
    std::string bytes = w.bytes();
    for (size_t cut : {size_t{0}, bytes.size() / 3, bytes.size() - 1}) {
      AnalysisCache c;
      dossier::core::ByteReader bad(std::string_view(bytes).substr(0, cut));
      CHECK_FALSE(c.Import(&bad));
      CHECK(c.size() == 0);
    }
  }
  SECTION("exported with other options: nothing is reused") {
    o.summary_sentences = 1;
    CHECK(Same(Analyse(docs, o, nullptr, &second), Analyse(docs, o, nullptr)));
    CHECK(second.hits() == 0);
  }
}

TEST_CASE("an export-only analysis cache hands its entries over and exports the documents of the call",
          "[analyse][cache]") {
  AnalyseOptions o;
  auto docs = Corpus();
  const auto fresh = Analyse(docs, o, nullptr);
  std::string bytes;
  {
    AnalysisCache c;  // a first build: nothing to import
    c.SetExportOnly(true);
    CHECK(Same(Analyse(docs, o, nullptr, &c), fresh));
    CHECK(c.misses() == 3);
    CHECK(c.size() == 0);  // nothing kept in memory
    dossier::core::ByteWriter w;
    c.Export(&w);
    bytes = w.bytes();
  }
  docs[0].paragraphs[1] = "OPEC met in Vienna and Riyadh.";
  std::string next;
  {
    AnalysisCache c;  // the next build
    c.SetExportOnly(true);
    dossier::core::ByteReader r(bytes);
    REQUIRE(c.Import(&r));
    CHECK(Same(Analyse(docs, o, nullptr, &c), Analyse(docs, o, nullptr)));
    CHECK(c.hits() == 2);
    CHECK(c.misses() == 1);
    dossier::core::ByteWriter w;
    c.Export(&w);
    next = w.bytes();
  }
  AnalysisCache c;  // its export holds all three documents, edited one included
  dossier::core::ByteReader r(next);
  REQUIRE(c.Import(&r));
  CHECK(c.size() == 3);
  CHECK(Same(Analyse(docs, o, nullptr, &c), Analyse(docs, o, nullptr)));
  CHECK(c.hits() == 3);
}

TEST_CASE("an export sink gets the exported bytes during the call, before the corpus-wide steps, and Export keeps none",
          "[analyse][cache]") {
  AnalyseOptions o;
  auto docs = Corpus();
  std::string expected;
  {
    AnalysisCache c;
    c.SetExportOnly(true);
    Analyse(docs, o, nullptr, &c);
    dossier::core::ByteWriter w;
    c.Export(&w);
    expected = w.bytes();
  }
  AnalysisCache c;
  c.SetExportOnly(true);
  std::string got;
  int calls = 0;
  c.SetExportSink([&](std::string&& bytes) {
    ++calls;
    got = std::move(bytes);
  });
  CHECK(Same(Analyse(docs, o, nullptr, &c), Analyse(docs, o, nullptr)));
  CHECK(calls == 1);
  CHECK(got == expected);
  // Clear keeps the sink; Export no longer holds the entries.
  c.Clear();
  Analyse(docs, o, nullptr, &c);
  CHECK(calls == 2);
  dossier::core::ByteWriter w;
  c.Export(&w);
  CHECK(w.bytes().size() < expected.size() / 4);
  // What the sink got imports like an Export.
  AnalysisCache next;
  dossier::core::ByteReader r(got);
  REQUIRE(next.Import(&r));
  CHECK(next.size() == 3);
}
