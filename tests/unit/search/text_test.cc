// JavaScript string/number semantics used by the lunr-compatible index.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "search/search_internal.h"

namespace si = dossier::search::internal;

namespace {
std::string Lower(const std::string& s) {
  std::u16string u = si::Utf8ToUtf16(s);
  si::JsToLowerCase(&u);
  return si::Utf16ToUtf8(u);
}
std::string Json(const std::string& s) {
  std::string out;
  si::AppendJsonString(s, &out);
  return out;
}
}  // namespace

TEST_CASE("JsNumberToString matches Number#toString", "[search]") {
  CHECK(si::JsNumberToString(0) == "0");
  CHECK(si::JsNumberToString(-0.0) == "0");
  CHECK(si::JsNumberToString(3.0) == "3");
  CHECK(si::JsNumberToString(1.5) == "1.5");
  CHECK(si::JsNumberToString(-2.25) == "-2.25");
  CHECK(si::JsNumberToString(0.1 + 0.2) == "0.30000000000000004");
  CHECK(si::JsNumberToString(1e21) == "1e+21");
  CHECK(si::JsNumberToString(1e20) == "100000000000000000000");
  CHECK(si::JsNumberToString(123456789012345680000.0) == "123456789012345680000");
  CHECK(si::JsNumberToString(1.5e-7) == "1.5e-7");
  CHECK(si::JsNumberToString(1e-6) == "0.000001");
  CHECK(si::JsNumberToString(2.5e-6) == "0.0000025");
  CHECK(si::JsNumberToString(9007199254740993.0) == "9007199254740992");
  CHECK(si::JsNumberToString(1.7976931348623157e308) == "1.7976931348623157e+308");
  CHECK(si::JsNumberToString(5e-324) == "5e-324");
  CHECK(si::JsNumberToString(std::numeric_limits<double>::infinity()) == "Infinity");
  CHECK(si::JsNumberToString(-std::numeric_limits<double>::infinity()) == "-Infinity");
  CHECK(si::JsNumberToString(std::nan("")) == "NaN");
}

TEST_CASE("JsRound rounds half up like Math.round", "[search]") {
  CHECK(si::JsRound(0.5) == 1);
  CHECK(si::JsRound(1.5) == 2);
  CHECK(si::JsRound(2.5) == 3);
  CHECK(si::JsRound(-2.5) == -2);
  CHECK(si::JsRound(-0.4) == 0);
  CHECK(si::JsRound(0.49999999999999994) == 0);  // floor(x + 0.5) would give 1
  CHECK(si::JsRound(1175.08) == 1175);
}

TEST_CASE("JSON string escaping follows JSON.stringify", "[search]") {
  CHECK(Json("plain") == "\"plain\"");
  CHECK(Json("a\"b\\c") == "\"a\\\"b\\\\c\"");
  CHECK(Json("\b\t\n\f\r") == "\"\\b\\t\\n\\f\\r\"");
  CHECK(Json(std::string("\x01\x1f", 2)) == "\"\\u0001\\u001f\"");  // lower-case hex
  CHECK(Json(std::string("\0", 1)) == "\"\\u0000\"");
  CHECK(Json("\x7f") == "\"\x7f\"");
  CHECK(Json("caf\xc3\xa9 \xe2\x80\xa8 \xf0\x9f\x98\x80") == "\"caf\xc3\xa9 \xe2\x80\xa8 \xf0\x9f\x98\x80\"");
  std::string out;
  si::AppendJsonString16(std::u16string(u"a\xD800" u"b"), &out);
  CHECK(out == "\"a\\ud800b\"");
}

TEST_CASE("Array-index keys are recognised as V8 does", "[search]") {
  uint32_t v = 0;
  CHECK(si::IsArrayIndexKey("0", &v));
  CHECK(v == 0);
  CHECK(si::IsArrayIndexKey("10", &v));
  CHECK(v == 10);
  CHECK(si::IsArrayIndexKey("4294967294", &v));
  CHECK_FALSE(si::IsArrayIndexKey("4294967295", &v));
  CHECK_FALSE(si::IsArrayIndexKey("007", &v));
  CHECK_FALSE(si::IsArrayIndexKey("1.5", &v));
  CHECK_FALSE(si::IsArrayIndexKey("-1", &v));
  CHECK_FALSE(si::IsArrayIndexKey("", &v));
  CHECK_FALSE(si::IsArrayIndexKey("a1", &v));
}

TEST_CASE("UTF-8 decoding replaces ill-formed sequences like Node", "[search]") {
  CHECK(si::Utf8ToUtf16("a\xf0\x9f\x98\x80") == std::u16string(u"a\xD83D\xDE00"));
  CHECK(si::Utf8ToUtf16("a\xff" "b") == std::u16string(u"a\xFFFD" u"b"));
  CHECK(si::Utf8ToUtf16("\xe2\x82" "x") == std::u16string(u"\xFFFD" u"x"));  // truncated: one U+FFFD
  CHECK(si::Utf8ToUtf16("\xed\xa0\x80") == std::u16string(u"\xFFFD\xFFFD\xFFFD"));  // surrogate
  CHECK(si::SanitizeUtf8("ok \xef\xbf\xbd") == "ok \xef\xbf\xbd");
  CHECK(si::SanitizeUtf8("\xa3" "1") == "\xef\xbf\xbd" "1");
}

TEST_CASE("toLowerCase is JavaScript's full Unicode mapping", "[search]") {
  CHECK(Lower("Hello WORLD") == "hello world");
  CHECK(Lower("\xc3\x89" "COLE M\xc3\x9c" "NCHEN") == "\xc3\xa9" "cole m\xc3\xbc" "nchen");
  CHECK(Lower("\xc4\xb0stanbul") == "i\xcc\x87stanbul");  // İ -> i + U+0307 (grows by one unit)
  CHECK(Lower("\xe2\x84\xaa" "elvin") == "kelvin");     // KELVIN SIGN -> k
  CHECK(Lower("\xce\xa3\xce\x91\xce\xa3") == "\xcf\x83\xce\xb1\xcf\x82");  // ΣΑΣ -> σας (final sigma)
  CHECK(Lower("\xd0\x9c\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0") == "\xd0\xbc\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0");
  CHECK(Lower("\xf0\x9f\x98\x80X") == "\xf0\x9f\x98\x80x");
}
