// markdown::Render from many threads at once gives what it gives alone.
#include <catch2/catch.hpp>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "markdown/markdown.h"

using dossier::markdown::MarkdownOptions;
using dossier::markdown::Render;

TEST_CASE("markdown: concurrent renders keep GFM autolinks and strikethrough", "[markdown]") {
  // cmark-gfm 0.29.0.gfm.6 switches the extensions' inline characters ('w',
  // ':', '~', …) on and off in process-wide tables at the start and end of
  // every inline parse; without serialising that step, a parse that runs
  // while another ends misses links and strikethrough (a build's output
  // then depended on thread timing).
  const std::string text =
      "Donations go to www.dec.org.uk and https://example.org/appeal, not ~~decuk.org~~.\n\n"
      "A second paragraph with www.example.com in it and more words to parse, so that parses overlap.\n";
  const std::string alone = Render(text, MarkdownOptions{}).html;
  REQUIRE(alone.find("<a href=\"http://www.dec.org.uk\">") != std::string::npos);
  REQUIRE(alone.find("<a href=\"https://example.org/appeal\">") != std::string::npos);
  REQUIRE(alone.find("<del>decuk.org</del>") != std::string::npos);
  std::atomic<int> differ{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i)
        if (Render(text, MarkdownOptions{}).html != alone) ++differ;
    });
  for (auto& th : threads) th.join();
  CHECK(differ == 0);
}
