// core::ContentHashHex: the same value everywhere, and every byte counts.
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "core/core.h"

using dossier::core::ContentHashHex;

TEST_CASE("core: ContentHashHex gives fixed values (the same on every machine)", "[core]") {
  // Pinned: the site manifest and the caches record these values; a change
  // of the function must be deliberate (and changes every site's manifest).
  CHECK(ContentHashHex("") == "54aa42f33752e994");
  CHECK(ContentHashHex("a") == "9779249eb291dfd9");
  CHECK(ContentHashHex("abcd") == "f72ec70d657c1f7f");
  CHECK(ContentHashHex("0123456789abcdef") == "45c2f9112be19f91");
  CHECK(ContentHashHex("0123456789abcdefX") == "ca4966c1815d161f");
  CHECK(ContentHashHex("The quick brown fox jumps over the lazy dog") == "bc42c9935bd606b8");
}

TEST_CASE("core: ContentHashHex changes with every byte and with the length", "[core]") {
  // Every length 0..80 (all tail cases and several 16-byte steps), every
  // single-byte change at every position, and zero padding: no two equal.
  std::set<std::string> inputs;
  for (size_t len = 0; len <= 80; ++len) {
    std::string base(len, 'x');
    for (size_t i = 0; i < len; ++i) base[i] = static_cast<char>('a' + (i * 7) % 26);
    inputs.insert(base);
    inputs.insert(std::string(len, '\0'));
    for (size_t i = 0; i < len; ++i) {
      for (int delta : {1, 0x80}) {
        std::string s = base;
        s[i] = static_cast<char>(s[i] ^ delta);
        inputs.insert(s);
      }
    }
  }
  std::set<std::string> seen;
  for (const auto& s : inputs) seen.insert(ContentHashHex(s));
  CHECK(inputs.size() > 6000);
  CHECK(seen.size() == inputs.size());
  for (const auto& h : seen) {
    CHECK(h.size() == 16);
    CHECK(h.find_first_not_of("0123456789abcdef") == std::string::npos);
  }
}
