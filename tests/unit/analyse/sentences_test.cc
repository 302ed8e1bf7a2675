// The sentence splitter, one rule per case.
#include <catch2/catch.hpp>

#include "analyse/analyse.h"

using dossier::analyse::SplitSentences;
using V = std::vector<std::string>;

TEST_CASE("splitter: plain sentences", "[analyse]") {
  CHECK(SplitSentences("It rained. Then it stopped! Did it? Yes.") ==
        V{"It rained.", "Then it stopped!", "Did it?", "Yes."});
}

TEST_CASE("splitter: titles do not end a sentence", "[analyse]") {
  CHECK(SplitSentences("Mr. Blair met Dr. Smith and Ms. Jones at St. Paul's. They talked.") ==
        V{"Mr. Blair met Dr. Smith and Ms. Jones at St. Paul's.", "They talked."});
}

TEST_CASE("splitter: month abbreviations never end a sentence", "[analyse]") {
  CHECK(SplitSentences("It opened on Jan. 5 and closed on Feb. 9. It reopens.") ==
        V{"It opened on Jan. 5 and closed on Feb. 9.", "It reopens."});
  // The price of the rule: a sentence really ending in "Jan." runs on.
  CHECK(SplitSentences("It happened in Jan. Smith was there.").size() == 1);
}

TEST_CASE("splitter: dotted acronyms inside a sentence", "[analyse]") {
  CHECK(SplitSentences("The U.S. economy grew and the U.K. shrank. Analysts were surprised.") ==
        V{"The U.S. economy grew and the U.K. shrank.", "Analysts were surprised."});
}

TEST_CASE("splitter: a dotted acronym can end a sentence before a new one", "[analyse]") {
  // "U.S." followed by a capital: initials rule keeps it whole (the BBC rule).
  V v = SplitSentences("He moved to the U.S. Then he came back.");
  CHECK(v.size() == 1);
}

TEST_CASE("splitter: initials", "[analyse]") {
  CHECK(SplitSentences("George W. Bush met J.K. Rowling. It was brief.") ==
        V{"George W. Bush met J.K. Rowling.", "It was brief."});
  // The pronoun I is a real sentence end ("World War I. But ...").
  CHECK(SplitSentences("It was World War I. But few remember.").size() == 2);
}

TEST_CASE("splitter: decimals and money", "[analyse]") {
  CHECK(SplitSentences("Profits rose to \xC2\xA3" "1.4bn, up 3.5% on $2.1bn. Sales fell.") ==
        V{"Profits rose to \xC2\xA3" "1.4bn, up 3.5% on $2.1bn.", "Sales fell."});
}

TEST_CASE("splitter: a sentence may start with a number or currency", "[analyse]") {
  CHECK(SplitSentences("Sales fell. 2004 was worse. \xC2\xA3" "5m was lost.").size() == 3);
}

TEST_CASE("splitter: quotes that close after the full stop", "[analyse]") {
  CHECK(SplitSentences("\"We won.\" The crowd cheered.") == V{"\"We won.\"", "The crowd cheered."});
  CHECK(SplitSentences("\xE2\x80\x9CWe won.\xE2\x80\x9D The crowd cheered.") ==
        V{"\xE2\x80\x9CWe won.\xE2\x80\x9D", "The crowd cheered."});
}

TEST_CASE("splitter: a stray closing quote joins the previous sentence", "[analyse]") {
  CHECK(SplitSentences("It was a great year. \" Hayes said it again.") ==
        V{"It was a great year. \"", "Hayes said it again."});
}

TEST_CASE("splitter: ellipses inside a paragraph do not split", "[analyse]") {
  CHECK(SplitSentences("I'm A Celebrity... Get Me Out Of Here was a hit. It returns.") ==
        V{"I'm A Celebrity... Get Me Out Of Here was a hit.", "It returns."});
  CHECK(SplitSentences("He paused\xE2\x80\xA6 Then went on.").size() == 1);
}

TEST_CASE("splitter: no split before a lower-case word", "[analyse]") {
  CHECK(SplitSentences("Shares in Acme Co. rose. Failing... and we've got more.").size() == 2);
}

TEST_CASE("splitter: No. before a number, e.g. and vs.", "[analyse]") {
  CHECK(SplitSentences("He lives at No. 10 Downing Street. It is old.").size() == 2);
  CHECK(SplitSentences("Firms, e.g. Sony, agreed. Others did not.").size() == 2);
  CHECK(SplitSentences("It was Arsenal vs. Chelsea. Arsenal won.").size() == 2);
}

TEST_CASE("splitter: list dashes and brackets start sentences", "[analyse]") {
  CHECK(SplitSentences("The report is out. - The government should act.").size() == 2);
  CHECK(SplitSentences("It ended. (Nobody noticed.) Then it began.").size() == 3);
}

TEST_CASE("splitter: text without sentence punctuation is one sentence", "[analyse]") {
  CHECK(SplitSentences("a headline-less fragment with no full stop") == V{"a headline-less fragment with no full stop"});
}

TEST_CASE("splitter: whitespace is collapsed, empty input gives nothing", "[analyse]") {
  CHECK(SplitSentences("  One.\n\tTwo \xC2\xA0 words.  ") == V{"One.", "Two words."});
  CHECK(SplitSentences("").empty());
  CHECK(SplitSentences("   ").empty());
}

TEST_CASE("splitter: fragments without letters are glued back", "[analyse]") {
  CHECK(SplitSentences("It ended. ...") == V{"It ended. ..."});
}
