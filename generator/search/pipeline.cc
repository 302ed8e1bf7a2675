// lunr 2.3.9's build pipeline, ported by hand: tokenizer (lunr.js:413),
// trimmer (lunr.js:1337), stop-word filter (lunr.js:1194) and the regex
// Porter stemmer (lunr.js:947). Everything works on UTF-16 code units, as
// the JavaScript regexes do.
#include <algorithm>
#include <array>
#include <cstring>

#include "search/search_internal.h"

namespace dossier::search::internal {

void Tokenize(std::u16string_view lower, std::vector<RawToken>* out) {
  const size_t len = lower.size();
  size_t start = 0;
  for (size_t end = 0; end <= len; ++end) {
    if (end == len || IsSeparator(lower[end])) {
      if (end > start) out->push_back({static_cast<uint32_t>(start), static_cast<uint32_t>(end - start)});
      start = end + 1;
    }
  }
}

std::u16string_view Trim(std::u16string_view t) {
  size_t b = 0, e = t.size();
  while (b < e && !IsWordUnit(t[b])) ++b;
  while (e > b && !IsWordUnit(t[e - 1])) --e;
  return t.substr(b, e - b);
}

// ---- Stop words --------------------------------------------------------------

namespace {
constexpr std::array<const char*, 119> kStopWords = {
    "a",       "able",  "about", "across", "after",  "all",     "almost", "also",  "am",      "among",
    "an",      "and",   "any",   "are",    "as",     "at",      "be",     "because", "been",  "but",
    "by",      "can",   "cannot", "could", "dear",   "did",     "do",     "does",  "either",  "else",
    "ever",    "every", "for",   "from",   "get",    "got",     "had",    "has",   "have",    "he",
    "her",     "hers",  "him",   "his",    "how",    "however", "i",      "if",    "in",      "into",
    "is",      "it",    "its",   "just",   "least",  "let",     "like",   "likely", "may",    "me",
    "might",   "most",  "must",  "my",     "neither", "no",     "nor",    "not",   "of",      "off",
    "often",   "on",    "only",  "or",     "other",  "our",     "own",    "rather", "said",   "say",
    "says",    "she",   "should", "since", "so",     "some",    "than",   "that",  "the",     "their",
    "them",    "then",  "there", "these",  "they",   "this",    "tis",    "to",    "too",     "twas",
    "us",      "wants", "was",   "we",     "were",   "what",    "when",   "where", "which",   "while",
    "who",     "whom",  "why",   "will",   "with",   "would",   "yet",    "you",   "your"};

// Stop words packed as 8-byte little-endian keys (all are <= 8 ASCII letters),
// sorted for binary search.
struct StopTable {
  std::array<uint64_t, kStopWords.size()> keys;
  size_t max_len = 0;
  StopTable() {
    for (size_t i = 0; i < kStopWords.size(); ++i) {
      uint64_t k = 0;
      size_t n = std::strlen(kStopWords[i]);
      max_len = std::max(max_len, n);
      for (size_t j = 0; j < n; ++j) k |= uint64_t(static_cast<unsigned char>(kStopWords[i][j])) << (8 * j);
      keys[i] = k;
    }
    std::sort(keys.begin(), keys.end());
  }
};
const StopTable& Stops() {
  static const StopTable t;
  return t;
}
}  // namespace

bool IsStopWord(std::u16string_view t) {
  const StopTable& st = Stops();
  if (t.empty() || t.size() > st.max_len) return false;
  uint64_t k = 0;
  for (size_t j = 0; j < t.size(); ++j) {
    char16_t c = t[j];
    if (c < u'a' || c > u'z') return false;
    k |= uint64_t(c) << (8 * j);
  }
  return std::binary_search(st.keys.begin(), st.keys.end(), k);
}

const std::vector<std::string>& StopWords() {
  static const std::vector<std::string> v(kStopWords.begin(), kStopWords.end());
  return v;
}

// ---- Stemmer -------------------------------------------------------------------
//
// The JS regexes, emulated exactly:
//  * `^(.+?)(alt1|alt2|...)$` picks the shortest non-empty stem, i.e. the
//    longest alternative the word ends with that leaves >= 1 unit; `.` does
//    not match line terminators (\n \r U+2028 U+2029), so such a stem fails.
//  * the measure regexes (mgr0, meq1, mgr1, s_v, ^CvX$) are evaluated by a
//    small NFA simulation over position sets, which answers exactly what
//    RegExp#test answers (existence of a match).

namespace {

inline bool IsV5(char16_t c) { return c == u'a' || c == u'e' || c == u'i' || c == u'o' || c == u'u'; }
inline bool IsLineTerminator(char16_t c) { return c == 0x0A || c == 0x0D || c == 0x2028 || c == 0x2029; }

enum Cls : uint8_t {
  kC,   // [^aeiou]
  kO,   // [^aeiouy]
  kV,   // [aeiouy]
  kA5,  // [aeiou]
  kX,   // [^aeiouwxy]
};

inline bool InCls(Cls k, char16_t c) {
  switch (k) {
    case kC: return !IsV5(c);
    case kO: return !IsV5(c) && c != u'y';
    case kV: return IsV5(c) || c == u'y';
    case kA5: return IsV5(c);
    case kX: return !IsV5(c) && c != u'w' && c != u'x' && c != u'y';
  }
  return false;
}

enum OpKind : uint8_t { kOne, kStar, kOptC /* (C)? = ([^aeiou][^aeiouy]*)? */, kOptV /* (V)? = ([aeiouy][aeiou]*)? */ };
struct Op {
  OpKind kind;
  Cls cls;
};

// Position-set simulation of `^ops...` (anchored at the start), with or
// without a final `$`.
class Nfa {
 public:
  bool Run(std::u16string_view s, const Op* ops, size_t nops, bool anchored_end) {
    const size_t n = s.size();
    cur_.assign(n + 1, 0);
    cur_[0] = 1;
    for (size_t o = 0; o < nops; ++o) {
      const Op& op = ops[o];
      switch (op.kind) {
        case kOne: {
          bool any = false;
          for (size_t p = n + 1; p-- > 0;) {
            uint8_t v = 0;
            if (p > 0 && cur_[p - 1] && InCls(op.cls, s[p - 1])) v = 1;
            cur_[p] = v;
            any |= v;
          }
          if (!any) return false;
          break;
        }
        case kStar:
          for (size_t p = 0; p < n; ++p)
            if (cur_[p] && InCls(op.cls, s[p])) cur_[p + 1] = 1;
          break;
        case kOptC:
        case kOptV: {
          Cls first = op.kind == kOptC ? kC : kV;
          Cls rest = op.kind == kOptC ? kO : kA5;
          next_.assign(n + 1, 0);
          for (size_t p = 0; p < n; ++p)
            if (cur_[p] && InCls(first, s[p])) next_[p + 1] = 1;
          for (size_t p = 0; p < n; ++p)
            if (next_[p] && InCls(rest, s[p])) next_[p + 1] = 1;
          for (size_t p = 0; p <= n; ++p) cur_[p] |= next_[p];
          break;
        }
      }
    }
    if (anchored_end) return cur_[n] != 0;
    for (size_t p = 0; p <= n; ++p)
      if (cur_[p]) return true;
    return false;
  }

 private:
  std::vector<uint8_t> cur_, next_;
};

constexpr Op kMgr0[] = {{kOptC, kC}, {kOne, kV}, {kStar, kA5}, {kOne, kC}};
constexpr Op kMeq1[] = {{kOptC, kC}, {kOne, kV}, {kStar, kA5}, {kOne, kC}, {kStar, kO}, {kOptV, kV}};
constexpr Op kMgr1[] = {{kOptC, kC}, {kOne, kV}, {kStar, kA5}, {kOne, kC}, {kStar, kO}, {kOne, kV}, {kStar, kA5}, {kOne, kC}};
constexpr Op kSv[] = {{kOptC, kC}, {kOne, kV}};
constexpr Op kCvx[] = {{kOne, kC}, {kStar, kO}, {kOne, kV}, {kOne, kX}};  // ^C v [^aeiouwxy]$

struct Stemmer {
  Nfa nfa;
  bool Mgr0(std::u16string_view s) { return nfa.Run(s, kMgr0, std::size(kMgr0), false); }
  bool Meq1(std::u16string_view s) { return nfa.Run(s, kMeq1, std::size(kMeq1), true); }
  bool Mgr1(std::u16string_view s) { return nfa.Run(s, kMgr1, std::size(kMgr1), false); }
  bool Sv(std::u16string_view s) { return nfa.Run(s, kSv, std::size(kSv), false); }
  bool Cvx(std::u16string_view s) { return nfa.Run(s, kCvx, std::size(kCvx), true); }
};

inline bool EndsWith(std::u16string_view w, std::string_view suf) {
  size_t n = suf.size();
  if (w.size() < n) return false;
  for (size_t i = 0; i < n; ++i)
    if (w[w.size() - n + i] != static_cast<char16_t>(suf[i])) return false;
  return true;
}

inline bool NoLineTerminator(std::u16string_view s) {
  for (char16_t c : s)
    if (IsLineTerminator(c)) return false;
  return true;
}

// `^(.+?)(alternatives)$`: index of the matching alternative (the longest
// suffix that leaves a non-empty stem), or -1.
template <size_t N>
int MatchSuffix(std::u16string_view w, const std::array<std::string_view, N>& alts, size_t* stem_len) {
  int best = -1;
  size_t best_len = 0;
  for (size_t i = 0; i < N; ++i) {
    size_t n = alts[i].size();
    if (n > best_len && w.size() > n && EndsWith(w, alts[i])) {
      best = static_cast<int>(i);
      best_len = n;
    }
  }
  if (best < 0) return -1;
  *stem_len = w.size() - best_len;
  if (!NoLineTerminator(w.substr(0, *stem_len))) return -1;
  return best;
}

constexpr std::array<std::string_view, 21> kStep2 = {"ational", "tional", "enci",  "anci",    "izer",    "bli",     "alli",
                                                "entli",   "eli",    "ousli", "ization", "ation",   "ator",    "alism",
                                                "iveness", "fulness", "ousness", "aliti", "iviti", "biliti", "logi"};
constexpr std::array<const char*, 21> kStep2Rep = {"ate", "tion", "ence", "ance", "ize", "ble", "al",
                                                   "ent", "e",    "ous",  "ize",  "ate", "ate", "al",
                                                   "ive", "ful",  "ous",  "al",   "ive", "ble", "log"};
constexpr std::array<std::string_view, 7> kStep3 = {"icate", "ative", "alize", "iciti", "ical", "ful", "ness"};
constexpr std::array<const char*, 7> kStep3Rep = {"ic", "", "al", "ic", "ic", "", ""};
constexpr std::array<std::string_view, 18> kStep4 = {"al",  "ance", "ence", "er",  "ic",  "able", "ible", "ant", "ement",
                                                "ment", "ent", "ou",   "ism", "ate", "iti",  "ous",  "ive", "ize"};
constexpr std::array<std::string_view, 2> kStep1a = {"sses", "ies"};
constexpr std::array<std::string_view, 2> kStep1b = {"ed", "ing"};
constexpr std::array<std::string_view, 1> kEed = {"eed"};
constexpr std::array<std::string_view, 1> kE = {"e"};

void AppendAscii(std::u16string* w, const char* s) {
  for (; *s; ++s) w->push_back(static_cast<char16_t>(*s));
}

// w.replace(/.$/, ""): drops the last unit unless it is a line terminator.
void DropLast(std::u16string* w) {
  if (!w->empty() && !IsLineTerminator(w->back())) w->pop_back();
}

std::u16string PorterStem(std::u16string_view in, Stemmer* st) {
  std::u16string w(in);
  if (w.size() < 3) return w;
  const bool first_y = w[0] == u'y';
  if (first_y) w[0] = u'Y';
  size_t k = 0;

  // Step 1a
  if (MatchSuffix(w, kStep1a, &k) >= 0) {
    w.resize(w.size() - 2);  // sses -> ss, ies -> i
  } else if (w.size() >= 3 && w.back() == u's' && w[w.size() - 2] != u's' &&
             NoLineTerminator(std::u16string_view(w).substr(0, w.size() - 2))) {
    w.pop_back();
  }

  // Step 1b
  if (MatchSuffix(w, kEed, &k) >= 0) {
    if (st->Mgr0(std::u16string_view(w).substr(0, k))) DropLast(&w);
  } else if (MatchSuffix(w, kStep1b, &k) >= 0) {
    std::u16string_view stem = std::u16string_view(w).substr(0, k);
    if (st->Sv(stem)) {
      w.resize(k);
      const size_t n = w.size();
      if (EndsWith(w, "at") || EndsWith(w, "bl") || EndsWith(w, "iz")) {
        w.push_back(u'e');
      } else if (n >= 2 && w[n - 1] == w[n - 2] && InCls(kC, w[n - 1]) && w[n - 1] != u'y' &&
                 w[n - 1] != u'l' && w[n - 1] != u's' && w[n - 1] != u'z') {
        DropLast(&w);
      } else if (st->Cvx(w)) {
        w.push_back(u'e');
      }
    }
  }

  // Step 1c: ^(.+?[^aeiou])y$
  {
    const size_t n = w.size();
    if (n >= 3 && w[n - 1] == u'y' && !IsV5(w[n - 2]) &&
        NoLineTerminator(std::u16string_view(w).substr(0, n - 2))) {
      w[n - 1] = u'i';
    }
  }

  // Step 2
  if (int i = MatchSuffix(w, kStep2, &k); i >= 0) {
    if (st->Mgr0(std::u16string_view(w).substr(0, k))) {
      w.resize(k);
      AppendAscii(&w, kStep2Rep[static_cast<size_t>(i)]);
    }
  }

  // Step 3
  if (int i = MatchSuffix(w, kStep3, &k); i >= 0) {
    if (st->Mgr0(std::u16string_view(w).substr(0, k))) {
      w.resize(k);
      AppendAscii(&w, kStep3Rep[static_cast<size_t>(i)]);
    }
  }

  // Step 4
  if (MatchSuffix(w, kStep4, &k) >= 0) {
    if (st->Mgr1(std::u16string_view(w).substr(0, k))) w.resize(k);
  } else if (w.size() >= 5 && (EndsWith(w, "sion") || EndsWith(w, "tion")) &&
             NoLineTerminator(std::u16string_view(w).substr(0, w.size() - 4))) {
    if (st->Mgr1(std::u16string_view(w).substr(0, w.size() - 3))) w.resize(w.size() - 3);
  }

  // Step 5
  if (MatchSuffix(w, kE, &k) >= 0) {
    std::u16string_view stem = std::u16string_view(w).substr(0, k);
    if (st->Mgr1(stem) || (st->Meq1(stem) && !st->Cvx(stem))) w.resize(k);
  }
  if (EndsWith(w, "ll") && st->Mgr1(w)) DropLast(&w);

  if (first_y) w[0] = u'y';
  return w;
}

}  // namespace

std::u16string Stem(std::u16string_view word) {
  thread_local Stemmer st;
  return PorterStem(word, &st);
}

}  // namespace dossier::search::internal
