// lunr 2.3.9 build pipeline pieces: tokenizer, trimmer, stop words, stemmer.
#include <catch2/catch.hpp>

#include <fstream>
#include <set>
#include <sstream>
#include <vector>

#include "search/search.h"
#include "search/search_internal.h"
#include "support/test_support.h"

namespace si = dossier::search::internal;
using dossier::search::LunrStem;

namespace {
std::vector<std::pair<uint32_t, uint32_t>> Toks(const std::u16string& s) {
  std::vector<si::RawToken> raw;
  si::Tokenize(s, &raw);
  std::vector<std::pair<uint32_t, uint32_t>> out;
  for (auto& t : raw) out.push_back({t.start, t.length});
  return out;
}
std::string Trim(const std::string& s) {
  std::u16string u = si::Utf8ToUtf16(s);
  return si::Utf16ToUtf8(si::Trim(u));
}
}  // namespace

TEST_CASE("Separator set is JavaScript \\s plus hyphen-minus", "[search]") {
  const char16_t seps[] = {0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0xA0, 0x1680, 0x2000, 0x2005, 0x200A,
                           0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF, u'-'};
  for (char16_t c : seps) {
    INFO("U+" << std::hex << static_cast<int>(c));
    CHECK(si::IsSeparator(c));
  }
  const char16_t not_seps[] = {u'a', u'_', u'/', u'.', u',', u'\'', 0x85, 0x180E, 0x200B, 0x2013, 0x2014,
                               0x2010, 0x2011, 0x2212, 0x00AD, 0x1F, 0x7F};
  for (char16_t c : not_seps) {
    INFO("U+" << std::hex << static_cast<int>(c));
    CHECK_FALSE(si::IsSeparator(c));
  }
}

TEST_CASE("Tokenizer slices between separators with UTF-16 positions", "[search]") {
  using V = std::vector<std::pair<uint32_t, uint32_t>>;
  CHECK(Toks(u"oil rose \x2014 again.") == V{{0, 3}, {4, 4}, {9, 1}, {11, 6}});
  CHECK(Toks(u"  e-mail--x ") == V{{2, 1}, {4, 4}, {10, 1}});
  CHECK(Toks(u"2004\x2013" u"05 24/7 1,000") == V{{0, 7}, {8, 4}, {13, 5}});
  CHECK(Toks(u"- - -").empty());
  CHECK(Toks(u"").empty());
  // An astral character counts two units.
  CHECK(Toks(u"\xD83D\xDE00 ab") == V{{0, 2}, {3, 2}});
}

TEST_CASE("Trimmer strips non-[A-Za-z0-9_] units at both ends only", "[search]") {
  CHECK(Trim("(bbc)") == "bbc");
  CHECK(Trim("u.s.") == "u.s");
  CHECK(Trim("\xc2\xa3" "1.5bn") == "1.5bn");
  CHECK(Trim("caf\xc3\xa9") == "caf");
  CHECK(Trim("\xc3\xbc" "ber") == "ber");
  CHECK(Trim("na\xc3\xafve") == "na\xc3\xafve");
  CHECK(Trim("\xf0\x9f\x98\x80hello\xf0\x9f\x98\x80") == "hello");
  CHECK(Trim("ab\xf0\x9f\x98\x80" "cd") == "ab\xf0\x9f\x98\x80" "cd");
  CHECK(Trim("russia's") == "russia's");
  CHECK(Trim("rock'n'roll") == "rock'n'roll");
  CHECK(Trim("__init__") == "__init__");
  CHECK(Trim("\xe2\x80\x94") == "");  // em dash -> the empty term
  CHECK(Trim("&") == "");
  CHECK(Trim("\xce\xbf\xce\xb4\xce\xbf\xcf\x82") == "");  // all non-ASCII
}

TEST_CASE("Stop words are lunr's exact 119-word list", "[search]") {
  CHECK(si::StopWords().size() == 119);
  std::set<std::string> uniq(si::StopWords().begin(), si::StopWords().end());
  CHECK(uniq.size() == 119);
  for (const std::string& w : si::StopWords()) {
    INFO(w);
    CHECK(si::IsStopWord(si::Utf8ToUtf16(w)));
  }
  for (const char* w : {"others", "constructor", "__proto__", "tostring", "hasownproperty", "", "The", "thes",
                        "sai", "wantss", "yours", "its'"}) {
    INFO(w);
    CHECK_FALSE(si::IsStopWord(si::Utf8ToUtf16(w)));
  }
}

TEST_CASE("Stemmer: lunr's regex Porter variant on tricky words", "[search]") {
  const std::vector<std::pair<const char*, const char*>> table = {
      // lunr keeps y after a vowel, and turns it to i after a consonant (not first letter)
      {"boy", "boy"}, {"day", "day"}, {"money", "money"}, {"key", "key"}, {"buy", "buy"}, {"always", "alway"},
      {"cry", "cri"}, {"sky", "ski"}, {"skies", "ski"}, {"fly", "fli"}, {"flying", "fli"}, {"try", "tri"},
      {"trying", "tri"}, {"crying", "cri"},
      // step 2: logi -> log, bli -> ble
      {"technology", "technolog"}, {"technologies", "technolog"}, {"possibly", "possibl"}, {"assembly", "assembl"},
      // short words untouched
      {"ds", "ds"}, {"vs", "vs"}, {"ms", "ms"}, {"os", "os"}, {"by", "by"}, {"y", "y"},
      // (.+?) needs a non-empty stem
      {"sses", "sse"}, {"ies", "ie"}, {"eed", "e"},
      // classic Porter examples
      {"caresses", "caress"}, {"ponies", "poni"}, {"cats", "cat"}, {"feed", "feed"}, {"agreed", "agre"},
      {"plastered", "plaster"}, {"motoring", "motor"}, {"sing", "sing"}, {"conflated", "conflat"},
      {"troubled", "troubl"}, {"sized", "size"}, {"hopping", "hop"}, {"tanned", "tan"}, {"falling", "fall"},
      {"hissing", "hiss"}, {"fizzed", "fizz"}, {"failing", "fail"}, {"filing", "file"}, {"happy", "happi"},
      {"relational", "relat"}, {"conditional", "condit"}, {"generalization", "gener"}, {"hopefulness", "hope"},
      {"electrical", "electr"}, {"adjustment", "adjust"}, {"adoption", "adopt"}, {"controlling", "control"},
      {"rolling", "roll"}, {"rate", "rate"}, {"cease", "ceas"}, {"effective", "effect"},
      // leading y is a consonant
      {"yelled", "yell"}, {"yearly", "yearli"}, {"yes", "ye"}, {"yying", "yy"},
      // punctuation and non-ASCII are consonants; positions are UTF-16 units
      {"u.s", "u."}, {"russia's", "russia'"}, {"company\xe2\x80\x99s", "company\xe2\x80\x99"},
      {"i\xcc\x87stanbul", "i\xcc\x87stanbul"}, {"ab\xf0\x9f\x98\x80" "cd", "ab\xf0\x9f\x98\x80" "cd"},
      {"\xf0\x9f\x98\x80" "ed", "\xf0\x9f\x98\x80" "ed"}, {"a\xf0\x9f\x98\x80", "a\xf0\x9f\x98\x80"},
      {"x\xc3\xb1\xc3\xb1" "ed", "x\xc3\xb1\xc3\xb1" "ed"}, {"ab\xc3\xa9\xc3\xb1" "ed", "ab\xc3\xa9\xc3\xb1"},
      // `.` does not match line terminators; [^aeiou] does
      {"ab\xe2\x80\xa8" "cing", "ab\xe2\x80\xa8" "cing"}, {"x\ry", "x\ri"},
      {"", ""},
  };
  for (const auto& [word, stem] : table) {
    INFO(word);
    CHECK(LunrStem(word) == stem);
  }
}

TEST_CASE("Stemmer agrees with lunr.stemmer on a 4,000-word vocabulary", "[search]") {
  std::ifstream in(dossier::test::SourcePath("tests/golden/search/stems.tsv"), std::ios::binary);
  REQUIRE(in);
  std::string line;
  size_t n = 0, bad = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    size_t tab = line.find('\t');
    REQUIRE(tab != std::string::npos);
    std::string word = line.substr(0, tab), want = line.substr(tab + 1);
    ++n;
    std::string got = LunrStem(word);
    if (got != want) {
      ++bad;
      if (bad <= 20) FAIL_CHECK(word << ": got " << got << ", lunr " << want);
    }
  }
  CHECK(n > 4000);
  CHECK(bad == 0);
}
