// Entity links in a briefing's full text: the first mention of each entity
// with a page of its own is linked, once per briefing.
#include <catch2/catch.hpp>

#include <set>

#include "compose/compose.h"
#include "compose/compose_internal.h"

using namespace dossier;
using namespace dossier::compose;

namespace {

analyse::Entity Ent(const std::string& name, std::vector<std::string> variants = {}) {
  analyse::Entity e;
  e.name = name;
  e.kind = "other";
  e.count = 1;
  e.variants = std::move(variants);
  e.variants.push_back(name);
  return e;
}

// The "## Full text" section of the briefing made of `sentences` (one
// paragraph) with `entities` (in the analysis' order); `no_page` names
// entities without a page of their own.
std::string FullText(const std::vector<std::string>& sentences, const std::vector<analyse::Entity>& entities,
                     const std::set<std::string>& no_page = {}) {
  ingest::Article art;
  art.id = art.slug = "a";
  art.source_path = "a.txt";
  art.title = "A";
  analyse::ArticleAnalysis an;
  an.id = "a";
  for (const auto& s : sentences) an.sentences.push_back({s, 0});
  an.entities = entities;
  ComposeContext ctx;
  for (const auto& e : entities)
    ctx.entities[e.name] = EntityRef{e.name, e.kind, no_page.count(e.name) ? "" : "p-" + e.name, e.count};
  Page p = ComposeBriefing(art, an, ctx);
  size_t from = p.body.find("## Full text\n\n");
  REQUIRE(from != std::string::npos);
  from += 14;
  return p.body.substr(from, p.body.find("\n\n", from) - from);
}

}  // namespace

TEST_CASE("compose: the first mention of each entity is linked, once", "[compose][links]") {
  CHECK(FullText({"Paris is big.", "Paris again."}, {Ent("Paris")}) ==
        "{#s1}[Paris](../entities/p-Paris.html) is big. {#s2}Paris again.");
  // An entity first mentioned late is linked there.
  CHECK(FullText({"Nothing here.", "Then Rome."}, {Ent("Paris"), Ent("Rome")}) ==
        "{#s1}Nothing here. {#s2}Then [Rome](../entities/p-Rome.html).");
}

TEST_CASE("compose: entity links respect word boundaries, variants and overlaps", "[compose][links]") {
  // Not inside a longer word; the first whole-word occurrence instead.
  CHECK(FullText({"Parisian Paris."}, {Ent("Paris")}) == "{#s1}Parisian [Paris](../entities/p-Paris.html).");
  // The earliest form in the sentence; at the same place, the longest.
  CHECK(FullText({"Mr Smith met John Smith."}, {Ent("John Smith", {"Smith"})}) ==
        "{#s1}Mr [Smith](../entities/p-John Smith.html) met John Smith.");
  CHECK(FullText({"John Smith met Smith."}, {Ent("John Smith", {"John"})}) ==
        "{#s1}[John Smith](../entities/p-John Smith.html) met Smith.");
  // A mention overlapping one linked before it (earlier in the entity list)
  // is not linked in this sentence, but in the next one that has it alone.
  CHECK(FullText({"New York Times story.", "The York paper."}, {Ent("New York Times"), Ent("York")}) ==
        "{#s1}[New York Times](../entities/p-New York Times.html) story. "
        "{#s2}The [York](../entities/p-York.html) paper.");
  // Forms that start or end with punctuation.
  CHECK(FullText({"The U.S. and AT&T agreed."}, {Ent("U.S."), Ent("AT&T")}) ==
        "{#s1}The [U.S.](../entities/p-U.S..html) and [AT\\&T](../entities/p-AT&T.html) agreed.");
  CHECK(FullText({"Buy (.NET) now."}, {Ent(".NET")}) == "{#s1}Buy ([.NET](../entities/p-.NET.html)) now.");
  // No page of its own: never linked.
  CHECK(FullText({"Paris and Rome."}, {Ent("Paris"), Ent("Rome")}, {"Paris"}) ==
        "{#s1}Paris and [Rome](../entities/p-Rome.html).");
}

TEST_CASE("compose: linking stays linear in a long article with many entities", "[compose][links]") {
  // 20,000 sentences, each naming an entity of its own: every name is
  // looked up in its own sentence, not in all the sentences before it.
  std::vector<std::string> sentences;
  std::vector<analyse::Entity> entities;
  for (int i = 0; i < 20000; ++i) {
    sentences.push_back("Name" + std::to_string(i) + " spoke.");
    entities.push_back(Ent("Name" + std::to_string(i)));
  }
  const size_t before = internal::WordSearches();
  std::string text = FullText(sentences, entities);
  // One search per sentence (its own entity); searching every entity not
  // yet linked in every sentence would take 200 million.
  CHECK(internal::WordSearches() - before == 20000);
  CHECK(text.find("{#s1}[Name0](../entities/p-Name0.html) spoke.") == 0);
  CHECK(text.find("{#s20000}[Name19999](../entities/p-Name19999.html) spoke.") != std::string::npos);
}
