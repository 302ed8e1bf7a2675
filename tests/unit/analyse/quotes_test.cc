// Quote extraction and attribution.
#include <catch2/catch.hpp>

#include "analyse_test_util.h"

using namespace dossier::analyse;
using namespace dossier::analyse::testing;

namespace {

std::vector<Quote> Quotes(std::vector<std::string> paragraphs) {
  return Run({Doc("x", "", std::move(paragraphs))})[0].quotes;
}

}  // namespace

TEST_CASE("quotes: '\"...,\" Wu said' after the quote", "[analyse]") {
  std::vector<Quote> q = Quotes({"Wu Enyuan is a scholar.",
                                 "\"The drill is not targeted at any country,\" Wu said."});
  REQUIRE(q.size() == 1);
  CHECK(q[0].speaker == "Wu Enyuan");
  CHECK(q[0].text == "The drill is not targeted at any country");
  CHECK(q[0].sentence == 1);
}

TEST_CASE("quotes: '\"...,\" said Mr Smith' with the verb first", "[analyse]") {
  std::vector<Quote> q = Quotes({"John Smith runs the firm.", "\"We had a great year,\" said Mr Smith."});
  REQUIRE(q.size() == 1);
  CHECK(q[0].speaker == "John Smith");
}

TEST_CASE("quotes: 'Li said: \"...\"' before the quote", "[analyse]") {
  std::vector<Quote> q = Quotes({"Li Jie said: \"The drill shows support for each other.\""});
  REQUIRE(q.size() == 1);
  CHECK(q[0].speaker == "Li Jie");
  CHECK(q[0].text == "The drill shows support for each other.");
}

TEST_CASE("quotes: subject with an apposition before the verb", "[analyse]") {
  std::vector<Quote> q = Quotes({"Major General Luo Yuan, a researcher at the Military Science Academy, said the US "
                                 "is \"building an encirclement of systems around China\"."});
  REQUIRE(q.size() == 1);
  CHECK(q[0].speaker == "Luo Yuan");
}

TEST_CASE("quotes: curly quotes", "[analyse]") {
  std::vector<Quote> q =
      Quotes({"\xE2\x80\x9CWe will not back down on this,\xE2\x80\x9D Foreign Minister Wang Yi said."});
  REQUIRE(q.size() == 1);
  CHECK(q[0].speaker == "Wang Yi");
  CHECK(q[0].text == "We will not back down on this");
}

TEST_CASE("quotes: pronouns resolve to the last person mentioned", "[analyse]") {
  std::vector<Quote> q = Quotes({"Patricia Hewitt announced the plan on Sunday.",
                                 "\"We have made a firm commitment to families,\" she said."});
  REQUIRE(q.size() == 1);
  CHECK(q[0].speaker == "Patricia Hewitt");
}

TEST_CASE("quotes: a quote continued in the same paragraph keeps its speaker", "[analyse]") {
  std::vector<Quote> q = Quotes({"Ms Hewitt said: \"We have already doubled maternity pay. \"We are going to extend "
                                 "the pay to nine months by 2007.\""});
  REQUIRE(q.size() == 2);
  CHECK(q[0].speaker == "Hewitt");
  CHECK(q[1].speaker == "Hewitt");
}

TEST_CASE("quotes: a quote in the next paragraph continues the speaker", "[analyse]") {
  std::vector<Quote> q = Quotes({"\"It was a hard game for all of us,\" Arsene Wenger said.",
                                 "\"But we kept going and we deserved the win in the end.\""});
  REQUIRE(q.size() == 2);
  CHECK(q[1].speaker == "Arsene Wenger");
}

TEST_CASE("quotes: scare quotes without a speaker are ignored, long ones kept", "[analyse]") {
  std::vector<Quote> q = Quotes({"It was not an outright \"purchase\" of the system.",
                                 "Both ministries said the drill \"does not target any third party at all\", "
                                 "observers said."});
  REQUIRE(q.size() == 1);
  CHECK(q[0].speaker == "");
  CHECK(q[0].text == "does not target any third party at all");
}
