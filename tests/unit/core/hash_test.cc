// core::ContentHashHex: the same value everywhere, and every byte counts.
#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <vector>

#include "core/core.h"
#include "support/test_support.h"

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

TEST_CASE("core: ContentHashHexOfFile equals ContentHashHex of the file's bytes, whatever its size", "[core]") {
  dossier::test::TempDir dir;
  std::string data;
  uint64_t x = 88172645463325252ULL;
  for (size_t i = 0; i < (size_t(1) << 21) + 40; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    data.push_back(static_cast<char>(x));
  }
  // Around every tail length, the 16-byte blocks, and the 1 MiB pieces.
  std::vector<size_t> sizes;
  for (size_t n = 0; n <= 70; ++n) sizes.push_back(n);
  for (size_t base : {size_t(1) << 20, size_t(2) << 20})
    for (size_t d = 0; d <= 33; ++d) sizes.push_back(base - 17 + d);
  for (size_t n : sizes) {
    INFO("size " << n);
    const auto file = dir / ("f" + std::to_string(n));
    dossier::test::WriteFileOrDie(file, data.substr(0, n));
    CHECK(dossier::core::ContentHashHexOfFile(file) == ContentHashHex(std::string_view(data).substr(0, n)));
  }
  CHECK(dossier::core::ContentHashHexOfFile(dir / "missing") == "");
  CHECK(dossier::core::ContentHashHexOfFile(dir.path()) == "");
}
