#include <catch2/catch.hpp>

#include "ingest/ingest.h"
#include "support/test_support.h"

using dossier::core::Diagnostics;
using dossier::ingest::Article;
using dossier::ingest::IngestOptions;
using dossier::ingest::ParseArticle;
using dossier::test::ReadFileOrDie;
using dossier::test::SourcePath;

namespace {

Article Parse(const std::string& text, Diagnostics* d, bool* ok = nullptr) {
  Article a;
  bool r = ParseArticle(text, "x/a.txt", "seeds/x/a.txt", IngestOptions(), &a, d);
  if (ok) *ok = r;
  return a;
}

std::string AllMessages(const Diagnostics& d) {
  std::string s;
  for (const auto& x : d.items()) s += x.ToString() + "\n";
  return s;
}

}  // namespace

TEST_CASE("seed 003: markdown title, byline, date, source url, publisher", "[ingest]") {
  Diagnostics d;
  Article a = Parse(ReadFileOrDie(SourcePath("seeds/003_b5627f03563c3840.txt")), &d);
  CHECK(a.title == "How Cozy Is Russia and China's Military Relationship?");
  CHECK_FALSE(a.title_derived);
  CHECK(a.byline == "Dmitry Trenin");
  CHECK(a.byline_url.empty());  // "(#)" is no link
  CHECK(a.date == "2019-11-20");
  CHECK(a.source_url ==
        "https://www.themoscowtimes.com/2019/11/20/how-cozy-is-russia-and-chinas-military-relationship-a68242");
  CHECK(a.publisher == "The Moscow Times");
  CHECK(d.empty());
}

TEST_CASE("seed 003: furniture is kept apart from the body", "[ingest]") {
  Diagnostics d;
  Article a = Parse(ReadFileOrDie(SourcePath("seeds/003_b5627f03563c3840.txt")), &d);
  REQUIRE(a.related_links.size() == 2);
  CHECK(a.related_links[0].text == "Russia Can't Compete With China in Africa. Not Yet.");
  REQUIRE(a.notes.size() == 1);
  CHECK(a.notes[0] == "The views expressed in opinion pieces do not necessarily reflect the position of The Moscow Times.");
  REQUIRE(a.credits.size() == 1);
  CHECK(a.credits[0] == "Kremlin.ru");
  for (const auto& p : a.paragraphs) {
    CHECK(p.find("Related article") == std::string::npos);
    CHECK(p.find("views expressed") == std::string::npos);
    CHECK(p != "Kremlin.ru");
    CHECK(p.find("Original url") == std::string::npos);
  }
  // The paragraph broken by a stray blank line ("are\n\ninadequate") is joined.
  bool joined = false;
  for (const auto& p : a.paragraphs)
    if (p.find("capabilities are inadequate and that") != std::string::npos) joined = true;
  CHECK(joined);
  CHECK(a.paragraphs.front() ==
        "Russia and China's strategic military cooperation is becoming ever closer. President Putin has announced that "
        "Russia is helping China build an early warning system to spot intercontinental ballistic missile launches.");
}

TEST_CASE("seed 000: no headline, so the title is derived from the lead sentence", "[ingest]") {
  Diagnostics d;
  Article a = Parse(ReadFileOrDie(SourcePath("seeds/000_9b48b837f428a0fc.txt")), &d);
  CHECK(a.title_derived);
  CHECK(a.title == "China and Russia will hold their first joint computer-assisted anti-missile drill this month");
  CHECK(a.byline.empty());
  CHECK(a.date.empty());
  CHECK(a.source_url.empty());
  CHECK(a.publisher.empty());
  REQUIRE(a.paragraphs.size() == 13);  // one paragraph per line
  CHECK(a.paragraphs[0].rfind("China and Russia will hold", 0) == 0);
}

TEST_CASE("a headline line followed by a blank line is the title", "[ingest]") {
  Diagnostics d;
  Article a = Parse("Ad sales boost Time Warner profit\n\nQuarterly profits rose 76%.\n\nIt said so.\n", &d);
  CHECK(a.title == "Ad sales boost Time Warner profit");
  CHECK_FALSE(a.title_derived);
  CHECK(a.paragraphs.size() == 2);
}

TEST_CASE("a derived title never adds words of its own", "[ingest]") {
  Diagnostics d;
  Article a = Parse(
      "The committee met on Monday in a closed session that lasted for nearly six hours and ended without any "
      "statement from officials about the future of the programme or its budget.\n",
      &d);
  CHECK(a.title_derived);
  std::string words = a.title.substr(0, a.title.size() - 3);  // without the ellipsis
  CHECK(std::string(
            "The committee met on Monday in a closed session that lasted for nearly six hours and ended without any")
            .find(words) == 0);
}

TEST_CASE("bylines: plain and linked", "[ingest]") {
  Diagnostics d;
  Article a = Parse("Title here\n\nBy Jane Doe\n\nBody text.\n", &d);
  CHECK(a.byline == "Jane Doe");
  Article b = Parse("Title here\n\nBy [John Smith](https://example.org/js)\n\nBody text.\n", &d);
  CHECK(b.byline == "John Smith");
  CHECK(b.byline_url == "https://example.org/js");
  Article c = Parse("Title here\n\nBy the way, this is body text.\n", &d);
  CHECK(c.byline.empty());
}

TEST_CASE("dates in the three usual forms, and absent stays absent", "[ingest]") {
  using dossier::ingest::ParseDate;
  CHECK(ParseDate("November 20, 2019") == "2019-11-20");
  CHECK(ParseDate("20 November 2019") == "2019-11-20");
  CHECK(ParseDate("Nov. 20, 2019") == "2019-11-20");
  CHECK(ParseDate("2019-11-20") == "2019-11-20");
  CHECK(ParseDate("2019-11-20T10:00:00Z") == "2019-11-20");
  CHECK(ParseDate("February 30, 2019") == "");
  CHECK(ParseDate("In November 2019 the talks") == "");
}

TEST_CASE("front matter overrides what was detected", "[ingest]") {
  Diagnostics d;
  Article a = Parse(
      "---\ntitle: Given title\ndate: 2020-01-02\nsource_url: https://www.bbc.co.uk/news/x\nslug: my-slug\n---\nA headline\n\n"
      "Body sentence one.\n",
      &d);
  CHECK(a.title == "Given title");
  CHECK(a.date == "2020-01-02");
  CHECK(a.publisher == "BBC News");
  CHECK(a.slug == "my-slug");
  CHECK(d.empty());
}

TEST_CASE("front matter: malformed YAML is an error with file:line:col", "[ingest]") {
  Diagnostics d;
  bool ok = true;
  Parse("---\ntitle: ok\ndate: [unclosed\n---\nBody.\n", &d, &ok);
  CHECK_FALSE(ok);
  REQUIRE(d.items().size() == 1);
  CHECK(d.items()[0].location.path == "seeds/x/a.txt");
  CHECK(d.items()[0].location.line >= 3);
  CHECK(d.items()[0].severity == dossier::core::Severity::kError);
}

TEST_CASE("front matter: an unsafe slug is made safe", "[ingest]") {
  Diagnostics d;
  Article a = Parse("---\nslug: ../../etc/passwd\n---\nTitle\n\nBody.\n", &d);
  CHECK(a.slug == "etc-passwd");
  CHECK(AllMessages(d).find("not a safe slug") != std::string::npos);
}

TEST_CASE("bad input: empty, whitespace-only and binary files are skipped with a warning", "[ingest]") {
  for (std::string text : {std::string(""), std::string("  \n\t\n"), std::string("abc\0def", 7)}) {
    Diagnostics d;
    bool ok = true;
    Parse(text, &d, &ok);
    CHECK_FALSE(ok);
    REQUIRE(d.items().size() == 1);
    CHECK(d.items()[0].location.path == "seeds/x/a.txt");
    CHECK(d.items()[0].message.rfind("skipped: ", 0) == 0);
  }
}

TEST_CASE("bad input: invalid UTF-8 is decoded as Windows-1252 with a warning", "[ingest]") {
  Diagnostics d;
  bool ok = false;
  Article a = Parse("Price rise\n\nIt costs \xA3" "5 \x93today\x94.\n", &d, &ok);
  CHECK(ok);
  CHECK(a.paragraphs.at(0) == "It costs \xC2\xA3" "5 \xE2\x80\x9Ctoday\xE2\x80\x9D.");
  REQUIRE(d.items().size() == 1);
  CHECK(d.items()[0].ToString() == "seeds/x/a.txt: warning: not valid UTF-8; decoded as Windows-1252");
}

TEST_CASE("encodings: UTF-8 BOM and CRLF; UTF-16 with BOM", "[ingest]") {
  Diagnostics d;
  Article a = Parse("\xEF\xBB\xBFHeadline\r\n\r\nBody one.\r\nBody two.\r\n", &d);
  CHECK(a.title == "Headline");
  CHECK(a.paragraphs.size() == 2);
  CHECK(d.empty());
  std::string utf16 = std::string("\xFF\xFE", 2);
  for (char c : std::string("Hi there\n\nBody.\n")) {
    utf16 += c;
    utf16 += '\0';
  }
  Diagnostics d2;
  Article b = Parse(utf16, &d2);
  CHECK(b.title == "Hi there");
  CHECK(b.paragraphs.at(0) == "Body.");
}

TEST_CASE("oversized articles are skipped with a warning naming the limit", "[ingest]") {
  Diagnostics d;
  IngestOptions o;
  o.max_file_bytes = 1 << 20;
  Article a;
  std::string big((1 << 20) + 10, 'a');
  CHECK_FALSE(ParseArticle(big, "big.txt", "seeds/big.txt", o, &a, &d));
  REQUIRE(d.items().size() == 1);
  CHECK(d.items()[0].message.find("over the 1 MiB limit") != std::string::npos);
}

TEST_CASE("ids come from the path without extension; slugs are unique", "[ingest]") {
  std::vector<Article> v(3);
  v[0].id = "a";
  v[0].slug = "same";
  v[1].id = "b";
  v[1].slug = "same";
  v[2].id = "c";
  v[2].slug = "same";
  dossier::ingest::AssignUniqueSlugs(&v);
  CHECK(v[0].slug == "same");
  CHECK(v[1].slug == "same-2");
  CHECK(v[2].slug == "same-3");
  Diagnostics d;
  Article a = Parse("T\n\nBody.\n", &d);
  CHECK(a.id == "x/a");
  CHECK(a.source_path == "x/a.txt");
}

TEST_CASE("LoadArticles reads a folder recursively; one bad file never stops the others", "[ingest]") {
  dossier::test::TempDir tmp;
  dossier::test::WriteFileOrDie(tmp / "good.txt", "Good headline\n\nA sentence.\n");
  dossier::test::WriteFileOrDie(tmp / "sub/ünïcode name.md", "# Title\n\nBody here.\n");
  dossier::test::WriteFileOrDie(tmp / "empty.txt", "");
  dossier::test::WriteFileOrDie(tmp / "bin.txt", std::string("\0\1\2\3", 4));
  dossier::test::WriteFileOrDie(tmp / "notes.csv", "ignored");
  dossier::test::WriteFileOrDie(tmp / ".hidden.txt", "Hidden\n\nx.\n");
  std::vector<Article> arts;
  Diagnostics d;
  REQUIRE(dossier::ingest::LoadArticles(tmp.path(), IngestOptions(), &arts, &d).ok());
  REQUIRE(arts.size() == 2);
  CHECK(arts[0].id == "good");
  CHECK(arts[1].id == "sub/ünïcode name");
  CHECK(arts[1].slug == "title");
  CHECK(d.items().size() == 2);
}

TEST_CASE("HTML character references left by scrapers are decoded", "[ingest]") {
  Diagnostics d;
  Article a = Parse("&#163;1.8m fine &amp; more\n\nIt cost &#x20AC;5 &ndash; or &bogus; &#0; &#99999999;.\n", &d);
  CHECK(a.title == "\xC2\xA3" "1.8m fine & more");
  CHECK(a.paragraphs.at(0) == "It cost \xE2\x82\xAC" "5 \xE2\x80\x93 or &bogus; &#0; &#99999999;.");
}
