// BuildLunrIndex: byte-for-byte what lunr 2.3.9 writes (JSON.stringify(idx)).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "search/search.h"
#include "search/search_internal.h"
#include "support/test_support.h"

using dossier::search::BuildLunrIndex;
using dossier::search::Document;
using dossier::search::DocsJson;
using dossier::search::FieldValue;
using dossier::search::IndexSpec;
using dossier::search::ParseDocsJson;

namespace {

FieldValue S(const std::string& s) {
  FieldValue v;
  v.text = s;
  return v;
}
FieldValue Null() {
  FieldValue v;
  v.kind = FieldValue::Kind::kNull;
  return v;
}
FieldValue Arr(std::vector<std::string> items) {
  FieldValue v;
  v.kind = FieldValue::Kind::kArray;
  v.items = std::move(items);
  return v;
}
Document Doc(const std::string& ref, std::vector<FieldValue> fields, double boost = 1) {
  Document d;
  d.ref = ref;
  d.fields = std::move(fields);
  d.boost = boost;
  return d;
}
IndexSpec TitleBody() {
  IndexSpec spec;
  spec.fields = {{"title", 10}, {"body", 1}};
  return spec;
}

// Builds the index of a committed DOCS_JSON and compares it with lunr's own
// output (written by `tests/scripts/lunr_compare.js --reference DOCS_JSON`).
void CheckGolden(const std::string& docs_name, const std::string& golden_name) {
  std::string json = dossier::test::ReadFileOrDie(dossier::test::DataPath("search/" + docs_name));
  IndexSpec spec;
  std::vector<Document> docs;
  auto st = ParseDocsJson(json, docs_name, &spec, &docs);
  REQUIRE(st.ok());
  std::string index = BuildLunrIndex(spec, docs);
  std::string diff = dossier::test::CompareGolden("search/" + golden_name, index);
  CHECK(diff == "");
}

}  // namespace

TEST_CASE("Worked example of NOTES section 2, exact bytes", "[search]") {
  std::vector<Document> docs = {Doc("a", {S("Oil prices"), S("Oil rose \xe2\x80\x94 again.")}),
                                Doc("b", {S("Gas"), S("Gas and oil")})};
  CHECK(BuildLunrIndex(TitleBody(), docs) ==
        R"({"version":"2.3.9","fields":["title","body"],"fieldVectors":[["title/a",[0,1.175,1,6.1]],["body/a",[0,0.118,2,0.61,3,0.61,4,0.61]],["title/b",[5,2.111]],["body/b",[0,0.155,5,0.211]]],"invertedIndex":[["",{"_index":3,"title":{},"body":{"a":{}}}],["again",{"_index":4,"title":{},"body":{"a":{}}}],["ga",{"_index":5,"title":{"b":{}},"body":{"b":{}}}],["oil",{"_index":0,"title":{"a":{}},"body":{"a":{},"b":{}}}],["price",{"_index":1,"title":{"a":{}},"body":{}}],["rose",{"_index":2,"title":{},"body":{"a":{}}}]],"pipeline":["stemmer"]})");
}

TEST_CASE("No documents gives an empty but loadable index", "[search]") {
  CHECK(BuildLunrIndex(TitleBody(), {}) ==
        R"({"version":"2.3.9","fields":["title","body"],"fieldVectors":[],"invertedIndex":[],"pipeline":["stemmer"]})");
}

TEST_CASE("Empty, null and array fields", "[search]") {
  std::vector<Document> docs = {Doc("e", {S(""), Null()}), Doc("s", {S("- - -"), S(" \t ")}),
                                Doc("x", {Arr({"Foo Bar", "7", ""}), S("true")})};
  std::string idx = BuildLunrIndex(TitleBody(), docs);
  // Every field of every document has a vector, even an empty one.
  CHECK(idx.find(R"(["title/e",[]],["body/e",[]],["title/s",[]],["body/s",[]])") != std::string::npos);
  // Array elements are not split; an empty element is the term "".
  CHECK(idx.find(R"(["foo bar",{"_index":0,"title":{"x":{}},"body":{}}])") != std::string::npos);
  CHECK(idx.find(R"(["",{"_index":2,"title":{"x":{}},"body":{}}])") != std::string::npos);
  CHECK(idx.find(R"(["true",{"_index":3,"title":{},"body":{"x":{}}}])") != std::string::npos);
}

TEST_CASE("Field and document boosts multiply the stored score; 0 means 1", "[search]") {
  IndexSpec spec;
  spec.fields = {{"body", 1}};
  std::vector<Document> plain = {Doc("a", {S("oil")}), Doc("b", {S("gas")})};
  std::vector<Document> boosted = {Doc("a", {S("oil")}, 2), Doc("b", {S("gas")}, 0)};
  // idf = ln(1 + 1.5/1.5) = ln 2; score = ln2 * 2.2 / 2.2 = 0.693
  CHECK(BuildLunrIndex(spec, plain).find(R"(["body/a",[0,0.693]],["body/b",[1,0.693]])") != std::string::npos);
  CHECK(BuildLunrIndex(spec, boosted).find(R"(["body/a",[0,1.386]],["body/b",[1,0.693]])") != std::string::npos);
  spec.fields = {{"body", 3}};
  CHECK(BuildLunrIndex(spec, plain).find(R"(["body/a",[0,2.079]])") != std::string::npos);
  spec.fields = {{"body", 0}};
  CHECK(BuildLunrIndex(spec, plain).find(R"(["body/a",[0,0.693]])") != std::string::npos);
}

TEST_CASE("Position metadata: untrimmed slices in UTF-16 units of the lower-cased text", "[search]") {
  IndexSpec spec;
  spec.fields = {{"body", 1}};
  spec.metadata_whitelist = {"position"};
  std::vector<Document> docs = {Doc("a", {S("(BBC) \xc4\xb0z oil OIL")}), Doc("b", {Arr({"oil"})})};
  std::string idx = BuildLunrIndex(spec, docs);
  // "İ" lower-cases to two units, so "oil" starts at 10, not 9.
  CHECK(idx.find(R"(["bbc",{"_index":0,"body":{"a":{"position":[[0,5]]}}}])") != std::string::npos);
  CHECK(idx.find(R"(["oil",{"_index":2,"body":{"a":{"position":[[10,3],[14,3]]},"b":{"position":[null]}}}])") !=
        std::string::npos);
}

TEST_CASE("Terms are sorted in UTF-16 code-unit order", "[search]") {
  IndexSpec spec;
  spec.fields = {{"body", 1}};
  // U+FB01 (ﬁ) sorts after the surrogate pair of U+1F600 in UTF-16, before it in UTF-8.
  std::vector<Document> docs = {Doc("a", {S("a\xef\xac\x81z a\xf0\x9f\x98\x80z a\xee\x80\x80z")})};
  std::string idx = BuildLunrIndex(spec, docs);
  size_t emoji = idx.find("[\"a\xf0\x9f\x98\x80z\"");
  size_t pua = idx.find("[\"a\xee\x80\x80z\"");
  size_t fi = idx.find("[\"a\xef\xac\x81z\"");
  REQUIRE(emoji != std::string::npos);
  REQUIRE(pua != std::string::npos);
  REQUIRE(fi != std::string::npos);
  CHECK(emoji < pua);
  CHECK(pua < fi);
}

TEST_CASE("Posting keys: array-index refs first, ascending, like V8", "[search]") {
  IndexSpec spec;
  spec.fields = {{"body", 1}};
  std::vector<Document> docs = {Doc("a", {S("oil")}), Doc("10", {S("oil")}), Doc("2", {S("oil")}),
                                Doc("007", {S("oil")})};
  std::string idx = BuildLunrIndex(spec, docs);
  CHECK(idx.find(R"("body":{"2":{},"10":{},"a":{},"007":{}})") != std::string::npos);
  // fieldVectors keep add order.
  CHECK(idx.find(R"(["body/a",[0,0.105]],["body/10",[0,0.105]],["body/2",[0,0.105]],["body/007",[0,0.105]])") !=
        std::string::npos);
}

TEST_CASE("Scores are printed as k/1000 without trailing zeros", "[search]") {
  IndexSpec spec;
  spec.fields = {{"body", 1}};
  std::vector<Document> docs = {Doc("a", {S("oil")}), Doc("b", {S("gas gas")})};
  std::string idx = BuildLunrIndex(spec, docs);
  CHECK(idx.find(R"(["body/a",[0,0.803]],["body/b",[1,0.871]])") != std::string::npos);
  spec.fields = {{"body", 1000}};
  idx = BuildLunrIndex(spec, docs);
  CHECK(idx.find(R"(["body/a",[0,802.591]],["body/b",[1,871.385]])") != std::string::npos);
}

TEST_CASE("Golden: traps documents give lunr's bytes", "[search]") {
  CheckGolden("traps-docs.json", "traps-index.json");
}

TEST_CASE("Golden: 40 sample articles give lunr's bytes", "[search]") {
  CheckGolden("sample40-docs.json", "sample40-index.json");
}

TEST_CASE("Golden: duplicate refs, numeric field names, odd values and metadata keys", "[search]") {
  CheckGolden("extras-docs.json", "extras-index.json");
}

TEST_CASE("Golden: 200 documents through the two-thread path, with metadata, arrays and duplicate refs", "[search]") {
  // Enough documents for several blocks, so tokenising and indexing run on
  // two threads (the goldens above fit in one block).
  CheckGolden("threaded-docs.json", "threaded-index.json");
}

TEST_CASE("ParseDocsJson converts values like String(v)", "[search]") {
  const std::string json = R"({"ref":"id","fields":["t",{"name":"b","boost":2}],
    "documentBoosts":{"1.5":3},"metadataWhitelist":["position"],"b":0.5,"k1":1,
    "documents":[{"id":1.50,"t":1e21,"b":[null,true,[1,[2]],{"x":1}]},{"t":null},{"id":"x","b":false}]})";
  IndexSpec spec;
  std::vector<Document> docs;
  REQUIRE(ParseDocsJson(json, "t.json", &spec, &docs).ok());
  REQUIRE(spec.fields.size() == 2);
  CHECK(spec.fields[1].boost == 2);
  CHECK(spec.b == 0.5);
  CHECK(spec.k1 == 1);
  CHECK(spec.metadata_whitelist == std::vector<std::string>{"position"});
  REQUIRE(docs.size() == 3);
  CHECK(docs[0].ref == "1.5");
  CHECK(docs[0].boost == 3);
  CHECK(docs[0].fields[0].text == "1e+21");
  CHECK(docs[0].fields[1].kind == FieldValue::Kind::kArray);
  CHECK(docs[0].fields[1].items == std::vector<std::string>{"", "true", "1,2", "[object Object]"});
  CHECK(docs[1].ref == "undefined");
  CHECK(docs[1].fields[0].kind == FieldValue::Kind::kNull);
  CHECK(docs[1].fields[1].kind == FieldValue::Kind::kNull);
  CHECK(docs[2].fields[1].text == "false");
}

TEST_CASE("ParseDocsJson accepts a bare array and rejects bad input", "[search]") {
  IndexSpec spec;
  std::vector<Document> docs;
  REQUIRE(ParseDocsJson(R"([{"id":"a","title":"T","body":"B"}])", "x", &spec, &docs).ok());
  REQUIRE(spec.fields.size() == 2);
  CHECK(spec.fields[0].name == "title");
  CHECK(spec.fields[0].boost == 10);
  CHECK(docs.size() == 1);
  CHECK_FALSE(ParseDocsJson("{", "x", &spec, &docs).ok());
  CHECK_FALSE(ParseDocsJson(R"({"documents":{}})", "x", &spec, &docs).ok());
  CHECK_FALSE(ParseDocsJson(R"({"fields":[],"documents":[]})", "x", &spec, &docs).ok());
  CHECK_FALSE(ParseDocsJson(R"({"fields":["a/b"],"documents":[]})", "x", &spec, &docs).ok());
  CHECK_FALSE(ParseDocsJson(R"({"documents":["str"]})", "x", &spec, &docs).ok());
}

TEST_CASE("ParseDocsJsonInPlace gives the same documents, and the error's place in the file", "[search]") {
  dossier::test::TempDir dir;
  // A string with escapes (decoded in place, so the text changes) before
  // the error, which is on line 3.
  const std::string good = "{\"documents\":[{\"id\":\"a\",\"title\":\"T\\n\\\"q\\\"\",\"body\":\"B\"}]}";
  const std::string bad = "{\"documents\":[\n{\"id\":\"a\",\"title\":\"x\\ny\\nz\"},\n{\"id\": ]}";
  dossier::test::WriteFileOrDie(dir / "good.json", good);
  dossier::test::WriteFileOrDie(dir / "bad.json", bad);
  IndexSpec spec, spec2;
  std::vector<Document> docs, docs2;
  std::string text = good;
  REQUIRE(dossier::search::ParseDocsJsonInPlace(&text, (dir / "good.json").string(), &spec, &docs).ok());
  REQUIRE(ParseDocsJson(good, "good.json", &spec2, &docs2).ok());
  CHECK(BuildLunrIndex(spec, docs) == BuildLunrIndex(spec2, docs2));
  REQUIRE(docs.size() == 1);
  CHECK(docs[0].fields[0].text == "T\n\"q\"");

  text = bad;
  auto st = dossier::search::ParseDocsJsonInPlace(&text, (dir / "bad.json").string(), &spec, &docs);
  REQUIRE_FALSE(st.ok());
  auto expected = ParseDocsJson(bad, (dir / "bad.json").string(), &spec2, &docs2);
  CHECK(st.ToString() == expected.ToString());
  CHECK(st.location().line == 3);
  CHECK(st.message().find("not valid JSON") != std::string::npos);
}

TEST_CASE("DocsJson round-trips through ParseDocsJson to the same index", "[search]") {
  IndexSpec spec = TitleBody();
  spec.metadata_whitelist = {"position"};
  std::vector<Document> docs = {Doc("a", {S("Oil prices"), S("Oil rose \xe2\x80\x94 again.")}, 2),
                                Doc("b", {Null(), Arr({"x", "Y z"})}),
                                Doc("c\"q", {S("Gas"), S("gas and \x01 oil")})};
  std::string json = DocsJson(spec, docs);
  IndexSpec spec2;
  std::vector<Document> docs2;
  REQUIRE(ParseDocsJson(json, "docs.json", &spec2, &docs2).ok());
  CHECK(BuildLunrIndex(spec2, docs2) == BuildLunrIndex(spec, docs));
  CHECK(docs2[0].boost == 2);
  CHECK(docs2[2].ref == "c\"q");
}

// WriteLunrIndex passes the same text in pieces (several for a corpus whose
// field vectors exceed one piece), and stops at the first failing piece.
TEST_CASE("search: WriteLunrIndex streams exactly BuildLunrIndex's text and stops when the sink fails",
          "[search]") {
  IndexSpec spec;
  spec.fields = {{"title", 10}, {"summary", 4}, {"body", 1}};
  std::vector<Document> docs;
  for (int i = 0; i < 3000; ++i) {
    std::string n = std::to_string(i);
    docs.push_back(Doc("doc-" + n, {S("Title " + n + " of the report"), S("Summary word" + n),
                                    S("Body text with term" + n + " and term" + std::to_string(i % 97) +
                                      " plus the shared words economy, growth and markets.")}));
  }
  const std::string whole = BuildLunrIndex(spec, docs);
  std::string streamed;
  size_t pieces = 0;
  REQUIRE(dossier::search::WriteLunrIndex(spec, std::vector<Document>(docs), [&](std::string_view p) {
    streamed.append(p);
    ++pieces;
    return true;
  }));
  CHECK(pieces > 2);
  CHECK(streamed == whole);

  size_t calls = 0;
  CHECK_FALSE(dossier::search::WriteLunrIndex(spec, std::move(docs), [&](std::string_view) {
    ++calls;
    return false;
  }));
  CHECK(calls == 1);
}

// The threaded path (blocks of documents tokenised on a helper thread ahead
// of the indexing, the field vectors written beside the inverted index)
// gives the bytes of the one-thread path, on a corpus of many blocks with
// metadata, array fields, duplicate refs and boosts; also when streamed
// from consumed documents. The one-thread path is the one the goldens above
// pin to lunr's bytes (they fit in one block).
TEST_CASE("search: the threaded index builder writes the one-thread builder's bytes", "[search]") {
  std::string json = dossier::test::ReadFileOrDie(dossier::test::DataPath("search/threaded-docs.json"));
  IndexSpec spec;
  std::vector<Document> base;
  REQUIRE(ParseDocsJson(json, "threaded-docs.json", &spec, &base).ok());
  std::vector<Document> docs;
  for (int copy = 0; copy < 8; ++copy) {
    for (Document d : base) {
      d.ref += "/" + std::to_string(copy);
      docs.push_back(std::move(d));
    }
  }
  REQUIRE(docs.size() == 1600);
  const std::string one = dossier::search::internal::BuildLunrIndexOnOneThread(spec, docs);
  REQUIRE(one.size() > 100000);
  for (int round = 0; round < 4; ++round) {
    INFO("round " << round);
    CHECK(BuildLunrIndex(spec, docs) == one);
    std::string streamed;
    REQUIRE(dossier::search::WriteLunrIndex(spec, std::vector<Document>(docs), [&](std::string_view p) {
      streamed.append(p);
      return true;
    }));
    CHECK(streamed == one);
  }
}
