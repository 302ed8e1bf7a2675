// JavaScript string and number semantics needed to reproduce lunr's output:
// UTF-8 <-> UTF-16, toLowerCase, Number#toString, JSON.stringify escaping.
#include <unicode/uchar.h>
#include <unicode/ustring.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <charconv>
#include <cmath>
#include <cstring>

#include "search/search_internal.h"

namespace dossier::search::internal {

namespace {

inline void PushCodePoint(uint32_t cp, std::u16string* out) {
  if (cp < 0x10000) {
    out->push_back(static_cast<char16_t>(cp));
  } else {
    cp -= 0x10000;
    out->push_back(static_cast<char16_t>(0xD800 + (cp >> 10)));
    out->push_back(static_cast<char16_t>(0xDC00 + (cp & 0x3FF)));
  }
}

inline void AppendCodePointUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Decodes one UTF-8 sequence at s[i]; returns the code point (U+FFFD for an
// ill-formed maximal subpart) and advances i.
inline uint32_t DecodeOne(std::string_view s, size_t* i) {
  const size_t n = s.size();
  unsigned char b = static_cast<unsigned char>(s[*i]);
  if (b < 0x80) {
    ++*i;
    return b;
  }
  int need;
  uint32_t cp;
  unsigned char lo = 0x80, hi = 0xBF;
  if (b >= 0xC2 && b <= 0xDF) {
    need = 1;
    cp = b & 0x1F;
  } else if (b >= 0xE0 && b <= 0xEF) {
    if (b == 0xE0) lo = 0xA0;
    if (b == 0xED) hi = 0x9F;
    need = 2;
    cp = b & 0x0F;
  } else if (b >= 0xF0 && b <= 0xF4) {
    if (b == 0xF0) lo = 0x90;
    if (b == 0xF4) hi = 0x8F;
    need = 3;
    cp = b & 0x07;
  } else {
    ++*i;
    return 0xFFFD;
  }
  size_t j = *i + 1;
  for (int k = 0; k < need; ++k) {
    if (j >= n) {
      *i = j;
      return 0xFFFD;
    }
    unsigned char c = static_cast<unsigned char>(s[j]);
    if (c < lo || c > hi) {
      *i = j;  // the offending byte starts the next sequence
      return 0xFFFD;
    }
    cp = (cp << 6) | (c & 0x3F);
    ++j;
    lo = 0x80;
    hi = 0xBF;
  }
  *i = j;
  return cp;
}

}  // namespace

std::u16string Utf8ToUtf16(std::string_view s) {
  std::u16string out;
  out.reserve(s.size());
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    unsigned char b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      out.push_back(b);
      ++i;
      continue;
    }
    PushCodePoint(DecodeOne(s, &i), &out);
  }
  return out;
}

void AppendUtf8(std::u16string_view s, std::string* out) {
  const size_t n = s.size();
  for (size_t i = 0; i < n; ++i) {
    char16_t c = s[i];
    if (c < 0x80) {
      out->push_back(static_cast<char>(c));
      continue;
    }
    uint32_t cp = c;
    if (c >= 0xD800 && c <= 0xDBFF && i + 1 < n && s[i + 1] >= 0xDC00 && s[i + 1] <= 0xDFFF) {
      cp = 0x10000 + ((uint32_t(c) - 0xD800) << 10) + (uint32_t(s[i + 1]) - 0xDC00);
      ++i;
    } else if (c >= 0xD800 && c <= 0xDFFF) {
      cp = 0xFFFD;
    }
    AppendCodePointUtf8(cp, out);
  }
}

std::string Utf16ToUtf8(std::u16string_view s) {
  std::string out;
  out.reserve(s.size());
  AppendUtf8(s, &out);
  return out;
}

std::string SanitizeUtf8(std::string_view s) {
  size_t i = 0;
  bool ok = true;
  while (i < s.size()) {
    // Fast path: skip ASCII eight bytes at a time, then byte by byte.
    if (i + 8 <= s.size()) {
      uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      if ((w & 0x8080808080808080ull) == 0) {
        i += 8;
        continue;
      }
    }
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    size_t before = i;
    uint32_t cp = DecodeOne(s, &i);
    if (cp == 0xFFFD) {
      // Either a real U+FFFD (EF BF BD) or a replacement.
      if (!(i - before == 3 && static_cast<unsigned char>(s[before]) == 0xEF)) {
        ok = false;
        break;
      }
    }
  }
  if (ok) return std::string(s);
  std::string out;
  out.reserve(s.size() + 8);
  i = 0;
  while (i < s.size()) AppendCodePointUtf8(DecodeOne(s, &i), &out);
  return out;
}

bool LowerUtf8ToUtf16(std::string_view text, std::u16string* out) {
  const size_t n = text.size();
  const char* p = text.data();
  out->resize(n);  // never more UTF-16 units than UTF-8 bytes
  char16_t* d = out->data();
  size_t i = 0;
  while (i < n) {
#ifdef __SSE2__
    // Sixteen ASCII bytes at a time: 'A'-'Z' + 32, widened to UTF-16.
    if (i + 16 <= n) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
      if (_mm_movemask_epi8(v) == 0) {
        const __m128i shifted = _mm_add_epi8(v, _mm_set1_epi8(static_cast<char>(0x80 - 'A')));
        const __m128i upper = _mm_cmplt_epi8(shifted, _mm_set1_epi8(static_cast<char>(-128 + 26)));
        const __m128i lower = _mm_add_epi8(v, _mm_and_si128(upper, _mm_set1_epi8(32)));
        const __m128i zero = _mm_setzero_si128();
        _mm_storeu_si128(reinterpret_cast<__m128i*>(d), _mm_unpacklo_epi8(lower, zero));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(d + 8), _mm_unpackhi_epi8(lower, zero));
        d += 16;
        i += 16;
        continue;
      }
    }
#endif
    if (i + 8 <= n) {
      uint64_t w;
      std::memcpy(&w, p + i, 8);
      if ((w & 0x8080808080808080ull) == 0) {
        for (int j = 0; j < 8; ++j) {
          const unsigned char c = static_cast<unsigned char>(w >> (8 * j));
          d[j] = static_cast<char16_t>(c + (static_cast<unsigned char>(c - 'A') < 26 ? 32 : 0));
        }
        d += 8;
        i += 8;
        continue;
      }
    }
    const unsigned char c = static_cast<unsigned char>(p[i]);
    if (c < 0x80) {
      *d++ = static_cast<char16_t>(c + (static_cast<unsigned char>(c - 'A') < 26 ? 32 : 0));
      ++i;
      continue;
    }
    uint32_t cp = DecodeOne(text, &i);
    if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) {
      cp += 0x20;  // Latin-1 capitals: the only mapping in the ranges handled here
    } else if (!((cp >= 0x80 && cp <= 0xFF) || (cp >= 0x2000 && cp <= 0x206F) ||
                 (cp >= 0x20A0 && cp <= 0x20CF) || cp == 0xFFFD)) {
      return false;  // may have a case mapping (or be context-dependent): use ICU
    }
    *d++ = static_cast<char16_t>(cp);
  }
  out->resize(static_cast<size_t>(d - out->data()));
  return true;
}

void JsToLowerCase(std::u16string* s) {
  bool ascii = true;
  for (char16_t& c : *s) {
    if (c >= 0x80) {
      ascii = false;
      break;
    }
    if (c >= u'A' && c <= u'Z') c = static_cast<char16_t>(c + 32);
  }
  if (ascii) return;
  // Full case mapping with the root locale, as V8 does for non-ASCII strings.
  std::u16string out(s->size() + 16, u'\0');
  UErrorCode err = U_ZERO_ERROR;
  int32_t len = u_strToLower(out.data(), static_cast<int32_t>(out.size()), s->data(),
                             static_cast<int32_t>(s->size()), "", &err);
  if (err == U_BUFFER_OVERFLOW_ERROR) {
    out.assign(static_cast<size_t>(len), u'\0');
    err = U_ZERO_ERROR;
    len = u_strToLower(out.data(), static_cast<int32_t>(out.size()), s->data(),
                       static_cast<int32_t>(s->size()), "", &err);
  }
  if (U_FAILURE(err)) return;  // cannot happen for valid buffers; keep ASCII-lowered text
  out.resize(static_cast<size_t>(len));
  *s = std::move(out);
}

std::string JsNumberToString(double v) {
  if (std::isnan(v)) return "NaN";
  if (v == 0) return "0";
  std::string out;
  if (v < 0) {
    out.push_back('-');
    v = -v;
  }
  if (std::isinf(v)) return out + "Infinity";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  // buf = d[.ddd]e(+|-)XX
  std::string_view sci(buf, static_cast<size_t>(res.ptr - buf));
  size_t epos = sci.find('e');
  std::string digits;
  for (size_t i = 0; i < epos; ++i) {
    if (sci[i] != '.') digits.push_back(sci[i]);
  }
  int exp10 = 0;
  std::from_chars(sci.data() + epos + (sci[epos + 1] == '+' ? 2 : 1), sci.data() + sci.size(), exp10);
  const int k = static_cast<int>(digits.size());
  const int n = exp10 + 1;  // v = 0.digits * 10^n
  if (k <= n && n <= 21) {
    out += digits;
    out.append(static_cast<size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out.append(digits, 0, static_cast<size_t>(n));
    out.push_back('.');
    out.append(digits, static_cast<size_t>(n), std::string::npos);
  } else if (-6 < n && n <= 0) {
    out += "0.";
    out.append(static_cast<size_t>(-n), '0');
    out += digits;
  } else {
    out.push_back(digits[0]);
    if (k > 1) {
      out.push_back('.');
      out.append(digits, 1, std::string::npos);
    }
    out.push_back('e');
    out.push_back(n - 1 >= 0 ? '+' : '-');
    out += std::to_string(n - 1 >= 0 ? n - 1 : 1 - n);
  }
  return out;
}

double JsRound(double v) {
  if (!std::isfinite(v)) return v;
  double r = std::floor(v);
  if (v - r >= 0.5) r += 1;
  return r;
}

void AppendJsonNumber(double v, std::string* out) {
  if (!std::isfinite(v)) {
    *out += "null";
    return;
  }
  *out += JsNumberToString(v);
}

namespace {
const char kHex[] = "0123456789abcdef";

inline void AppendEscapedUnit(unsigned c, std::string* out) {
  switch (c) {
    case '"': *out += "\\\""; return;
    case '\\': *out += "\\\\"; return;
    case '\b': *out += "\\b"; return;
    case '\t': *out += "\\t"; return;
    case '\n': *out += "\\n"; return;
    case '\f': *out += "\\f"; return;
    case '\r': *out += "\\r"; return;
    default: break;
  }
  char e[6] = {'\\', 'u', kHex[(c >> 12) & 15], kHex[(c >> 8) & 15], kHex[(c >> 4) & 15], kHex[c & 15]};
  out->append(e, 6);
}

inline bool NeedsEscape(unsigned char c) { return c < 0x20 || c == '"' || c == '\\'; }
}  // namespace

void AppendJsonString(std::string_view s, std::string* out) {
  out->push_back('"');
  size_t run = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (NeedsEscape(c)) {
      out->append(s.data() + run, i - run);
      AppendEscapedUnit(c, out);
      run = i + 1;
    }
  }
  out->append(s.data() + run, s.size() - run);
  out->push_back('"');
}

void AppendJsonString16(std::u16string_view s, std::string* out) {
  out->push_back('"');
  const size_t n = s.size();
  for (size_t i = 0; i < n; ++i) {
    char16_t c = s[i];
    if (c < 0x80) {
      if (NeedsEscape(static_cast<unsigned char>(c))) {
        AppendEscapedUnit(c, out);
      } else {
        out->push_back(static_cast<char>(c));
      }
      continue;
    }
    if (c >= 0xD800 && c <= 0xDFFF) {
      if (c <= 0xDBFF && i + 1 < n && s[i + 1] >= 0xDC00 && s[i + 1] <= 0xDFFF) {
        AppendCodePointUtf8(0x10000 + ((uint32_t(c) - 0xD800) << 10) + (uint32_t(s[i + 1]) - 0xDC00), out);
        ++i;
      } else {
        AppendEscapedUnit(c, out);  // JSON.stringify: lone surrogate as \udxxx
      }
      continue;
    }
    AppendCodePointUtf8(c, out);
  }
  out->push_back('"');
}

bool IsArrayIndexKey(std::string_view key, uint32_t* value) {
  if (key.empty() || key.size() > 10) return false;
  if (key[0] == '0' && key.size() > 1) return false;
  uint64_t v = 0;
  for (char ch : key) {
    if (ch < '0' || ch > '9') return false;
    v = v * 10 + static_cast<uint64_t>(ch - '0');
  }
  if (v > 4294967294ull) return false;
  if (value) *value = static_cast<uint32_t>(v);
  return true;
}

}  // namespace dossier::search::internal
