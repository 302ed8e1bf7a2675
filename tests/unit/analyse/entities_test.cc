// Entity extraction and every merging rule.
#include <catch2/catch.hpp>

#include <algorithm>

#include "analyse_test_util.h"

using namespace dossier::analyse;
using namespace dossier::analyse::testing;

namespace {

bool HasVariant(const Entity* e, const std::string& v) {
  return e != nullptr && std::find(e->variants.begin(), e->variants.end(), v) != e->variants.end();
}

ArticleAnalysis One(std::vector<std::string> paragraphs) { return Run({Doc("x", "", std::move(paragraphs))})[0]; }

}  // namespace

TEST_CASE("entities: title + surname merges with the full name", "[analyse]") {
  ArticleAnalysis a = One({"Maternity pay will rise, said Trade and Industry Secretary Patricia Hewitt.",
                           "Ms Hewitt told GMTV the plan was costed. Later Ms Hewitt said more."});
  const Entity* e = FindEntity(a, "Patricia Hewitt");
  REQUIRE(e != nullptr);
  CHECK(e->kind == "person");
  CHECK(e->count == 3);
  CHECK(HasVariant(e, "Hewitt"));
  CHECK(e->sentences == std::vector<int>{0, 1, 2});
  CHECK(FindEntity(a, "Hewitt") == nullptr);
}

TEST_CASE("entities: surname alone merges with the full name", "[analyse]") {
  ArticleAnalysis a = One({"Foreign Minister Sergey Lavrov met his counterpart. Lavrov said little."});
  const Entity* e = FindEntity(a, "Sergey Lavrov");
  REQUIRE(e != nullptr);
  CHECK(e->count == 2);
  CHECK(HasVariant(e, "Lavrov"));
}

TEST_CASE("entities: spelling variants of a given name merge", "[analyse]") {
  ArticleAnalysis a = One({"Sergey Lavrov arrived. Later Sergei Lavrov spoke to reporters."});
  int lavrovs = 0;
  for (const Entity& e : a.entities) lavrovs += e.name.find("Lavrov") != std::string::npos;
  CHECK(lavrovs == 1);
}

TEST_CASE("entities: spelling variants merge across documents", "[analyse]") {
  std::vector<ArticleAnalysis> r =
      Run({Doc("a", "", {"Russian Foreign Minister Sergei Lavrov spoke on Monday."}),
           Doc("b", "", {"Foreign Minister Sergey Lavrov met Wang Yi in Beijing."})});
  const Entity* a = nullptr;
  const Entity* b = nullptr;
  for (const Entity& e : r[0].entities) {
    if (e.name.find("Lavrov") != std::string::npos) a = &e;
  }
  for (const Entity& e : r[1].entities) {
    if (e.name.find("Lavrov") != std::string::npos) b = &e;
  }
  REQUIRE(a != nullptr);
  REQUIRE(b != nullptr);
  CHECK(a->name == b->name);
  CHECK(a->kind == "person");
}

TEST_CASE("entities: family-name-first names merge with the family name", "[analyse]") {
  ArticleAnalysis a = One({"Wu Enyuan, a former director, spoke. Wu said the drill was important."});
  const Entity* e = FindEntity(a, "Wu Enyuan");
  REQUIRE(e != nullptr);
  CHECK(e->kind == "person");
  CHECK(HasVariant(e, "Wu"));
}

TEST_CASE("entities: gazetteer aliases (US / United States / America)", "[analyse]") {
  ArticleAnalysis a = One({"The US is big. The United States of America is a country. America votes."});
  const Entity* e = FindEntity(a, "United States");
  REQUIRE(e != nullptr);
  CHECK(e->kind == "place");
  CHECK(e->count == 3);
  CHECK(HasVariant(e, "US"));
  CHECK(HasVariant(e, "America"));
}

TEST_CASE("entities: UK / Britain and EU aliases", "[analyse]") {
  ArticleAnalysis a = One({"Britain and the EU argued. The UK left the European Union."});
  const Entity* uk = FindEntity(a, "United Kingdom");
  const Entity* eu = FindEntity(a, "European Union");
  REQUIRE(uk != nullptr);
  REQUIRE(eu != nullptr);
  CHECK(uk->count == 2);
  CHECK(eu->count == 2);
}

TEST_CASE("entities: an acronym merges with its spelled-out name", "[analyse]") {
  ArticleAnalysis a = One({"The Terminal High Altitude Area Defense system is planned. THAAD worries China.",
                           "THAAD radars see far."});
  const Entity* e = FindEntity(a, "THAAD");
  REQUIRE(e != nullptr);
  CHECK(e->kind == "other");
  CHECK(HasVariant(e, "Terminal High Altitude Area Defense"));
  CHECK(e->count == 3);
}

TEST_CASE("entities: systems and treaties are 'other'", "[analyse]") {
  ArticleAnalysis a = One({"Russia sold the S-400 system. The Intermediate-Range Nuclear Forces (INF) Treaty "
                           "banned such missiles."});
  const Entity* s = FindEntity(a, "S-400");
  REQUIRE(s != nullptr);
  CHECK(s->kind == "other");
  const Entity* t = FindEntity(a, "INF Treaty");
  REQUIRE(t != nullptr);
  CHECK(t->kind == "other");
}

TEST_CASE("entities: organisations from cue words, places from the gazetteer", "[analyse]") {
  ArticleAnalysis a = One({"The Ministry of National Defense said the Naval Military Studies Research Institute "
                           "in Beijing would help."});
  const Entity* m = FindEntity(a, "Ministry of National Defense");
  REQUIRE(m != nullptr);
  CHECK(m->kind == "organisation");
  const Entity* i = FindEntity(a, "Naval Military Studies Research Institute");
  REQUIRE(i != nullptr);
  CHECK(i->kind == "organisation");
  const Entity* b = FindEntity(a, "Beijing");
  REQUIRE(b != nullptr);
  CHECK(b->kind == "place");
}

TEST_CASE("entities: titles are stripped and mark people", "[analyse]") {
  ArticleAnalysis a = One({"White House spokesman Josh Earnest said on Friday that Chinese President Xi Jinping "
                           "and President Putin would meet."});
  const Entity* j = FindEntity(a, "Josh Earnest");
  REQUIRE(j != nullptr);
  CHECK(j->kind == "person");
  const Entity* x = FindEntity(a, "Xi Jinping");
  REQUIRE(x != nullptr);
  CHECK(x->kind == "person");
  const Entity* p = FindEntity(a, "Putin");
  REQUIRE(p != nullptr);
  CHECK(p->kind == "person");
  const Entity* w = FindEntity(a, "White House");
  REQUIRE(w != nullptr);
  CHECK(w->kind == "organisation");
}

TEST_CASE("entities: a surname merges across documents with the only full name", "[analyse]") {
  std::vector<ArticleAnalysis> r = Run({Doc("a", "", {"President Vladimir Putin spoke in Moscow."}),
                                        Doc("b", "", {"Critics said President Putin was wrong."})});
  CHECK(FindEntity(r[1], "Vladimir Putin") != nullptr);
}

TEST_CASE("entities: sentence-initial words, demonyms and compounds are no entities", "[analyse]") {
  ArticleAnalysis a = One({"Tensions grew. Russian and Chinese forces met. China-Russia ties are close.",
                           "However, the Treaty was signed."});
  CHECK(FindEntity(a, "Tensions") == nullptr);
  CHECK(FindEntity(a, "Russian") == nullptr);
  CHECK(FindEntity(a, "Chinese") == nullptr);
  CHECK(FindEntity(a, "China-Russia") == nullptr);
  CHECK(FindEntity(a, "However") == nullptr);
  CHECK(FindEntity(a, "Treaty") == nullptr);
  CHECK(FindEntity(a, "China") == nullptr);  // inside the compound only
}

TEST_CASE("entities: possessives are stripped", "[analyse]") {
  ArticleAnalysis a = One({"China's army and Russia's navy trained. China agreed."});
  const Entity* c = FindEntity(a, "China");
  REQUIRE(c != nullptr);
  CHECK(c->count == 2);
  CHECK(c->variants == std::vector<std::string>{"China"});
}

TEST_CASE("entities: sorted by count then name", "[analyse]") {
  ArticleAnalysis a = One({"Paris and Berlin met. Berlin won. Rome and Berlin and Paris spoke."});
  REQUIRE(a.entities.size() >= 3);
  CHECK(a.entities[0].name == "Berlin");
  CHECK(a.entities[1].name == "Paris");
  CHECK(a.entities[2].name == "Rome");
}
