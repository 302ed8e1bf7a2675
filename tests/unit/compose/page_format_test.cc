#include <catch2/catch.hpp>

#include "compose/compose.h"

using namespace dossier::compose;

TEST_CASE("page format: every front matter string survives serialise + parse", "[compose][format]") {
  const std::vector<std::string> nasty = {
      "plain", "with \"quotes\" and \\backslash\\", "colon: and # hash", "- leading dash", "true", "null", "2019-11-20",
      "line\nbreak\tand tab\r", std::string("ctrl\x01\x1f\x7f", 7), "sep\xE2\x80\xA8para\xE2\x80\xA9nel\xC2\x85",
      "\xEF\xBB\xBF" "bom", "emoji \xF0\x9F\x98\x80 caf\xC3\xA9", "  spaces  ", "{braces} [brackets] 'single'", "'", "%"};
  for (const auto& s : nasty) {
    Page p;
    p.title = s;
    p.slug = "x";
    p.summary = {s, s};
    p.key_points = {{s, "s1"}};
    p.entities = {{s, "person", "slug", 3}, {s, "place", "", 1}};
    p.keyphrases = {s};
    p.quotes = {{s, s, "s2"}};
    p.related = {{"other", s, 0.25, {s, "b"}}};
    p.notes = {s};
    p.seed = "a.txt";
    p.body = "## Body\n\nText.\n";
    std::string text = Serialize(p, true);
    CHECK(ClassifyFile(text) == FileState::kGenerated);
    Page q;
    auto st = ParsePage(text, "content/briefings/x.md", &q);
    INFO(text);
    REQUIRE(st.ok());
    CHECK(q.title == s);
    CHECK(q.summary == p.summary);
    CHECK(q.key_points.at(0).text == s);
    CHECK(q.entities.at(0).name == s);
    CHECK(q.entities.at(0).slug == "slug");
    CHECK(q.entities.at(1).slug.empty());
    CHECK(q.keyphrases.at(0) == s);
    CHECK(q.quotes.at(0).speaker == s);
    CHECK(q.related.at(0).title == s);
    CHECK(q.related.at(0).shared.at(0) == s);
    CHECK(q.related.at(0).score == Approx(0.25));
    CHECK(q.notes.at(0) == s);
    CHECK(q.body == p.body);
  }
}

TEST_CASE("page format: an edit anywhere in the file marks it hand-edited", "[compose][format]") {
  Page p;
  p.title = "T";
  p.slug = "t";
  p.seed = "t.txt";
  p.body = "## In brief\n\nOne.\n";
  std::string text = Serialize(p, true);
  CHECK(ClassifyFile(text) == FileState::kGenerated);
  CHECK(ClassifyFile(text + "more\n") == FileState::kHandEdited);
  std::string retitled = text;
  retitled.replace(retitled.find("\"T\""), 3, "\"U\"");
  CHECK(ClassifyFile(retitled) == FileState::kHandEdited);
  CHECK(ClassifyFile("---\ntitle: Mine\n---\nHello\n") == FileState::kHandWritten);
}

TEST_CASE("page format: front matter errors name file:line:col", "[compose][format]") {
  Page q;
  auto st = ParsePage("---\ntitle: ok\nsumary: [a]\n---\nx\n", "content/about.md", &q);
  CHECK(st.ToString() == "content/about.md:3:1: error: unknown front matter key 'sumary' (did you mean 'summary'?)");
  st = ParsePage("---\ntitle: [unclosed\n---\nx\n", "content/about.md", &q);
  CHECK(st.ToString().rfind("content/about.md:", 0) == 0);
  CHECK(st.ToString().find("malformed front matter") != std::string::npos);
  st = ParsePage("---\ntitle: x\n", "content/about.md", &q);
  CHECK(st.ToString() == "content/about.md:1:1: error: front matter is not closed by a '---' line");
}
