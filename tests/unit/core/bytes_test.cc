// ByteWriter / ByteReader: the encoding of Dossier's own caches. A reader
// must never trust damaged bytes: every read is bounds-checked.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "core/core.h"

namespace dossier::core {
namespace {

TEST_CASE("core: ByteWriter and ByteReader round-trip every kind of value", "[core][cache]") {
  ByteWriter w;
  w.U64(0);
  w.U64(127);
  w.U64(128);
  w.U64(std::numeric_limits<uint64_t>::max());
  w.I64(-1);
  w.I64(std::numeric_limits<int64_t>::min());
  w.I64(std::numeric_limits<int>::max());
  w.Bool(true);
  w.F64(-0.1);
  w.F64(std::numeric_limits<double>::infinity());
  w.Str("");
  w.Str(std::string("a\0b\xff", 4));
  w.Strs({"x", "", "\xc3\xa9t\xc3\xa9"});
  w.Ints({3, -7, 0});
  ByteReader r(w.bytes());
  CHECK(r.U64() == 0);
  CHECK(r.U64() == 127);
  CHECK(r.U64() == 128);
  CHECK(r.U64() == std::numeric_limits<uint64_t>::max());
  CHECK(r.I64() == -1);
  CHECK(r.I64() == std::numeric_limits<int64_t>::min());
  CHECK(r.Int() == std::numeric_limits<int>::max());
  CHECK(r.Bool());
  CHECK(r.F64() == -0.1);
  CHECK(std::isinf(r.F64()));
  CHECK(r.Str().empty());
  CHECK(r.Str() == std::string("a\0b\xff", 4));
  CHECK(r.Strs() == std::vector<std::string>{"x", "", "\xc3\xa9t\xc3\xa9"});
  CHECK(r.Ints() == std::vector<int>{3, -7, 0});
  CHECK(r.done());
}

TEST_CASE("core: ByteReader turns not ok on damaged bytes and never reads past the end", "[core][cache]") {
  ByteWriter w;
  w.Str("hello world");
  w.Strs({"a", "b"});
  w.I64(int64_t{1} << 40);  // not an int
  const std::string good = w.bytes();
  // Every truncation fails somewhere, without reading past the end (ASan).
  for (size_t n = 0; n < good.size(); ++n) {
    std::string cut = good.substr(0, n);
    ByteReader r(cut);
    r.Str();
    r.Strs();
    r.I64();
    CHECK_FALSE(r.done());
  }
  SECTION("a length larger than what is left") {
    ByteWriter x;
    x.U64(1000);
    x.Str("short");
    ByteReader r(x.bytes());
    CHECK(r.Str().empty());
    CHECK_FALSE(r.ok());
  }
  SECTION("a count of a billion items reserves nothing") {
    ByteWriter x;
    x.U64(1000000000);
    ByteReader r(x.bytes());
    CHECK(r.Strs().empty());
    CHECK_FALSE(r.ok());
  }
  SECTION("an integer that does not fit an int") {
    ByteReader r(good);
    r.Str();
    r.Strs();
    CHECK(r.Int() == 0);
    CHECK_FALSE(r.ok());
  }
  SECTION("a varint longer than ten bytes") {
    std::string bad(12, '\xff');
    ByteReader r(bad);
    CHECK(r.U64() == 0);
    CHECK_FALSE(r.ok());
  }
  SECTION("failure is sticky") {
    ByteReader r("");
    r.U64();
    CHECK_FALSE(r.ok());
    CHECK(r.Str().empty());
    CHECK_FALSE(r.ok());
  }
}

}  // namespace
}  // namespace dossier::core
