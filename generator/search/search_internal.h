// search internals: the pieces of lunr 2.3.9's build pipeline, on UTF-16 code
// units exactly as JavaScript sees strings. Private to generator/search (and
// its unit tests); the public API is search.h.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "search/search.h"

namespace dossier::search::internal {

// ---- Text (text.cc) --------------------------------------------------------

// UTF-8 -> UTF-16. Ill-formed sequences become U+FFFD (WHATWG "maximal
// subpart" replacement, as Node's TextDecoder / readFileSync do).
std::u16string Utf8ToUtf16(std::string_view s);
// UTF-16 -> UTF-8 appended to `out`. A lone surrogate becomes U+FFFD.
void AppendUtf8(std::u16string_view s, std::string* out);
std::string Utf16ToUtf8(std::u16string_view s);
// Replaces ill-formed UTF-8 by U+FFFD (returns the input when well-formed).
std::string SanitizeUtf8(std::string_view s);

// JavaScript String.prototype.toLowerCase (full Unicode case mapping, root
// locale, final sigma), in place.
void JsToLowerCase(std::u16string* s);

// UTF-8 -> lower-cased UTF-16 in one pass (Utf8ToUtf16 + JsToLowerCase), for
// text whose non-ASCII code points are all in ranges without context-free
// surprises (U+0080-00FF, U+2000-206F, U+20A0-20CF, U+FFFD). Returns false,
// with *out unspecified, when another code point occurs.
bool LowerUtf8ToUtf16(std::string_view text, std::u16string* out);

// JavaScript Number.prototype.toString() (radix 10): shortest round-trip
// digits, "1e+21", "1.5e-7", "0" for -0, "NaN", "Infinity".
std::string JsNumberToString(double v);
// JavaScript Math.round (ties towards +infinity).
double JsRound(double v);
// JSON.stringify of a number: like JsNumberToString but "null" if not finite.
void AppendJsonNumber(double v, std::string* out);

// JSON.stringify of a string (UTF-8 in, UTF-8 out), quotes included.
void AppendJsonString(std::string_view utf8, std::string* out);
// Same, from UTF-16 (lone surrogates as \udxxx).
void AppendJsonString16(std::u16string_view s, std::string* out);

// V8 "array index" property keys ("0", "1", ... "4294967294", no leading
// zeros) are enumerated first, in ascending order, by Object.keys and
// JSON.stringify.
bool IsArrayIndexKey(std::string_view key, uint32_t* value);

// ---- Pipeline (pipeline.cc) ------------------------------------------------

// Classes of the ASCII code units: bit 0 = separator, bit 1 = word unit.
constexpr uint8_t AsciiClass(int c) {
  return ((c == ' ' || (c >= 0x09 && c <= 0x0D) || c == '-') ? 1 : 0) |
         (((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_') ? 2 : 0);
}
template <size_t... I>
constexpr std::array<uint8_t, sizeof...(I)> MakeAsciiClass(std::index_sequence<I...>) {
  return {AsciiClass(static_cast<int>(I))...};
}
inline constexpr std::array<uint8_t, 128> kAsciiClass = MakeAsciiClass(std::make_index_sequence<128>{});

// lunr.tokenizer.separator /[\s\-]+/ for one UTF-16 code unit.
inline bool IsSeparator(char16_t c) {
  if (c < 0x80) return kAsciiClass[c] & 1;
  return c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 ||
         c == 0x202F || c == 0x205F || c == 0x3000 || c == 0xFEFF;
}

// JS regex \w without the u flag: [A-Za-z0-9_].
inline bool IsWordUnit(char16_t c) { return c < 0x80 && (kAsciiClass[c] & 2); }

struct RawToken {
  uint32_t start;   // in UTF-16 code units of the lower-cased string
  uint32_t length;  // of the untrimmed slice
};
// lunr.tokenizer on an already lower-cased string: the non-empty slices
// between separators.
void Tokenize(std::u16string_view lower, std::vector<RawToken>* out);

// lunr.trimmer: strips leading and trailing code units outside [A-Za-z0-9_];
// may return an empty view (which lunr keeps as the term "").
std::u16string_view Trim(std::u16string_view token);

// lunr.stopWordFilter (the 119 English stop words), exact match.
bool IsStopWord(std::u16string_view token);
const std::vector<std::string>& StopWords();

// lunr.stemmer (its regex Porter variant), on UTF-16 code units.
std::u16string Stem(std::u16string_view word);

// ---- Index (index.cc) -----------------------------------------------------

// BuildLunrIndex with every step on the calling thread: the same bytes (a
// test compares the two on a corpus large enough for the threaded path).
std::string BuildLunrIndexOnOneThread(const IndexSpec& spec, const std::vector<Document>& docs);

}  // namespace dossier::search::internal
