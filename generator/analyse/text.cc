// UTF-8 and word-level helpers for the analysis stage.
#include <algorithm>

#include "analyse/analyse_internal.h"

namespace dossier::analyse::internal {

char32_t DecodeAt(std::string_view s, size_t i, size_t* len) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) {
    *len = 1;
    return c;
  }
  int n = 0;
  char32_t cp = 0;
  if ((c & 0xE0) == 0xC0) {
    n = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4;
    cp = c & 0x07;
  } else {
    *len = 1;
    return 0xFFFD;
  }
  if (i + n > s.size()) {
    *len = 1;
    return 0xFFFD;
  }
  for (int k = 1; k < n; ++k) {
    unsigned char d = static_cast<unsigned char>(s[i + k]);
    if ((d & 0xC0) != 0x80) {
      *len = 1;
      return 0xFFFD;
    }
    cp = (cp << 6) | (d & 0x3F);
  }
  *len = n;
  return cp;
}

bool IsSpaceCp(char32_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == 0xA0 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
         c == 0x3000 || c == 0x1680 || c == 0x85;
}

bool IsUpperCp(char32_t c) {
  if (c >= 'A' && c <= 'Z') return true;
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return true;
  if (c >= 0x100 && c <= 0x17F) return (c % 2) == 0 && c != 0x138;  // Latin Extended-A pairs (approx.)
  if (c >= 0x391 && c <= 0x3A9) return true;                        // Greek capitals
  if (c >= 0x410 && c <= 0x42F) return true;                        // Cyrillic capitals
  return false;
}

bool IsLowerCp(char32_t c) {
  if (c >= 'a' && c <= 'z') return true;
  if (c >= 0xDF && c <= 0xFF && c != 0xF7) return true;
  if (c >= 0x100 && c <= 0x17F) return (c % 2) == 1;
  if (c >= 0x3B1 && c <= 0x3C9) return true;
  if (c >= 0x430 && c <= 0x44F) return true;
  return false;
}

bool IsDigitCp(char32_t c) { return c >= '0' && c <= '9'; }

bool IsLetterCp(char32_t c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  if (c < 0xC0) return false;
  if (c == 0xD7 || c == 0xF7) return false;
  if (c >= 0x2000 && c <= 0x2BFF) return false;  // punctuation, symbols, arrows ...
  if (c >= 0x3000 && c <= 0x303F) return false;  // CJK punctuation
  if (c >= 0xFE30 && c <= 0xFE4F) return false;
  if (c >= 0xFF00 && c <= 0xFF20) return false;  // full-width punctuation and digits
  if (c == 0xFFFD || c == 0xFEFF) return false;
  return true;
}

std::string Collapse(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool pending = false;
  for (size_t i = 0; i < s.size();) {
    size_t len = 1;
    char32_t c = DecodeAt(s, i, &len);
    if (IsSpaceCp(c)) {
      pending = !out.empty();
    } else {
      if (pending) out.push_back(' ');
      pending = false;
      out.append(s.substr(i, len));
    }
    i += len;
  }
  return out;
}

std::vector<std::string> AlnumTokens(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  for (char ch : s) {
    char c = ch;
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      cur.push_back(c);
    } else if (!cur.empty()) {
      out.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

namespace {
bool EndsWithStr(const std::string& w, std::string_view suf) {
  return w.size() >= suf.size() && std::string_view(w).substr(w.size() - suf.size()) == suf;
}
bool IsVowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }
bool HasVowel(std::string_view w) {
  return std::any_of(w.begin(), w.end(), [](char c) { return IsVowel(c) || c == 'y'; });
}
}  // namespace

std::string Stem(const std::string& w) {
  if (w.size() <= 3) return w;
  std::string s = w;
  if (EndsWithStr(s, "ies") && s.size() > 4) {
    s = s.substr(0, s.size() - 3) + "y";
  } else if (EndsWithStr(s, "sses")) {
    s.resize(s.size() - 2);
  } else if (EndsWithStr(s, "s") && !EndsWithStr(s, "ss") && !EndsWithStr(s, "us") && !EndsWithStr(s, "is")) {
    s.pop_back();
  }
  if (EndsWithStr(s, "ing") && s.size() > 5 && HasVowel(std::string_view(s).substr(0, s.size() - 3))) {
    s.resize(s.size() - 3);
  } else if (EndsWithStr(s, "ed") && s.size() > 4 && HasVowel(std::string_view(s).substr(0, s.size() - 2))) {
    s.resize(s.size() - 2);
  } else {
    return s;
  }
  // Undouble ("stopp" -> "stop") and restore a silent e crudely ("mak" stays).
  if (s.size() >= 2 && s[s.size() - 1] == s[s.size() - 2] && !IsVowel(s.back()) && s.back() != 'l' &&
      s.back() != 's' && s.back() != 'z') {
    s.pop_back();
  }
  return s;
}

std::vector<Word> Words(std::string_view t) {
  std::vector<Word> out;
  size_t i = 0;
  auto is_word_cp = [](char32_t c) { return IsLetterCp(c) || IsDigitCp(c); };
  while (i < t.size()) {
    size_t len = 1;
    char32_t c = DecodeAt(t, i, &len);
    if (!is_word_cp(c)) {
      i += len;
      continue;
    }
    size_t b = i;
    size_t e = i;
    while (e < t.size()) {
      size_t l2 = 1;
      char32_t d = DecodeAt(t, e, &l2);
      if (is_word_cp(d)) {
        e += l2;
        continue;
      }
      // Inner joiners: hyphen, apostrophes and dots followed by a word char.
      if (d == '-' || d == '\'' || d == 0x2019 || d == '.' || d == '&') {
        if (e + l2 < t.size()) {
          size_t l3 = 1;
          char32_t n = DecodeAt(t, e + l2, &l3);
          if (is_word_cp(n) && !(d == '.' && !(IsUpperCp(n) || IsDigitCp(n)))) {
            e += l2;
            continue;
          }
        }
      }
      break;
    }
    Word w;
    w.begin = b;
    w.end = e;
    w.text = std::string(t.substr(b, e - b));
    // Acronym dots: "U.S." keeps its final dot when it is a dotted acronym.
    if (e < t.size() && t[e] == '.' && w.text.find('.') != std::string::npos) {
      bool dotted = true;
      for (size_t k = 0; k < w.text.size(); ++k) {
        if ((k % 2 == 1) != (w.text[k] == '.')) dotted = false;
      }
      if (dotted) {
        w.text.push_back('.');
        w.end = e + 1;
      }
    }
    // Possessive.
    for (std::string_view suf : {std::string_view("'s"), std::string_view("\xE2\x80\x99s")}) {
      if (w.text.size() > suf.size() + 1 && EndsWithStr(w.text, suf)) {
        w.text.resize(w.text.size() - suf.size());
        w.possessive = true;
        break;
      }
    }
    size_t l0 = 1;
    char32_t first = DecodeAt(w.text, 0, &l0);
    w.upper = IsUpperCp(first);
    int letters = 0;
    bool lower = false;
    for (size_t k = 0; k < w.text.size();) {
      size_t lk = 1;
      char32_t ck = DecodeAt(w.text, k, &lk);
      if (IsDigitCp(ck)) w.has_digit = true;
      if (IsLetterCp(ck)) ++letters;
      if (IsLowerCp(ck)) lower = true;
      k += lk;
    }
    w.all_caps = letters >= 2 && !lower && w.upper;
    if (!w.upper && w.has_digit && letters == 0) w.upper = false;
    out.push_back(std::move(w));
    i = e;
    if (i == b) i += len;
  }
  return out;
}

}  // namespace dossier::analyse::internal
