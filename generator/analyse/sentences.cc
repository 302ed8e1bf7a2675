// Sentence splitter for news text. The rules (see docs/analysis.md):
//  * a boundary is a run of . ! ? or an ellipsis, optional closing quotes or
//    brackets, whitespace, then a token starting with a capital letter, a
//    digit, an opening quote/bracket/currency sign or a list dash;
//  * never before a lower-case word, never after an in-paragraph ellipsis
//    (unless a closing quote follows it);
//  * never after titles (Mr. Dr. St. ...), "No." before a digit, e.g./i.e./vs.
//    or initials ("George W. Bush", "J.K. Rowling"; the pronoun "I" excepted);
//  * a period not followed by whitespace never splits ("£1.4bn", "U.S.");
//  * a stray closing quote at the start of a sentence belongs to the previous
//    one, and fragments without a letter or digit are glued back.
// Paragraph ends are always boundaries.
#include <string>
#include <string_view>
#include <unordered_set>

#include "analyse/analyse.h"
#include "analyse/analyse_internal.h"

namespace dossier::analyse {

namespace {

using internal::DecodeAt;

bool IsTerminator(char32_t c) { return c == '.' || c == '!' || c == '?' || c == 0x2026; }
bool IsCloser(char32_t c) { return c == '"' || c == '\'' || c == 0x201D || c == 0x2019 || c == ')' || c == ']'; }
bool IsOpener(char32_t c) {
  return c == '"' || c == '\'' || c == 0x201C || c == 0x2018 || c == '(' || c == '[' || c == 0xA3 || c == '$' ||
         c == 0x20AC;
}
bool IsDash(char32_t c) { return c == '-' || c == 0x2013 || c == 0x2014; }

const std::unordered_set<std::string>& TitleAbbrevs() {
  static const std::unordered_set<std::string> s = {
      "Mr", "Mrs", "Ms", "Messrs", "Dr", "Prof", "Rev", "Revd", "Gen", "Sen", "Gov", "Capt", "Lt", "Col", "Sgt",
      "Cpl", "Supt", "Insp", "Det", "Rt", "Hon", "St", "Mt", "Fr", "Sr", "Mme", "Mlle", "Jan", "Feb", "Mar", "Apr",
      "Aug", "Sept", "Sep", "Oct", "Nov", "Dec", "Rep", "Sens", "Reps", "Maj", "Adm", "Cmdr", "Brig"};
  return s;
}
const std::unordered_set<std::string>& NumberAbbrevs() {
  static const std::unordered_set<std::string> s = {"No", "Nos", "no", "nos", "Vol", "vol", "pp", "p", "Art", "art"};
  return s;
}
const std::unordered_set<std::string>& InnerAbbrevs() {
  static const std::unordered_set<std::string> s = {"e.g", "i.e", "cf", "viz", "vs", "v", "approx"};
  return s;
}

// Strips leading openers from a whitespace-delimited word.
std::string StripOpeners(std::string_view w) {
  size_t i = 0;
  while (i < w.size()) {
    size_t len = 1;
    char32_t c = DecodeAt(w, i, &len);
    if (!IsOpener(c)) break;
    i += len;
  }
  return std::string(w.substr(i));
}

bool IsInitials(const std::string& w) {
  // (?:[A-Z]\.)*[A-Z]
  if (w.empty() || w.size() % 2 == 0) return false;
  for (size_t k = 0; k < w.size(); ++k) {
    if (k % 2 == 0 ? !(w[k] >= 'A' && w[k] <= 'Z') : w[k] != '.') return false;
  }
  return true;
}

bool HasAlnum(std::string_view s) {
  for (char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  }
  return false;
}

}  // namespace

std::vector<std::string> SplitSentences(const std::string& raw) {
  std::string p = internal::Collapse(raw);
  std::vector<std::string> pieces;
  if (p.empty()) return pieces;
  size_t start = 0;
  size_t i = 0;
  while (i < p.size()) {
    size_t len = 1;
    char32_t c = DecodeAt(p, i, &len);
    if (!IsTerminator(c)) {
      i += len;
      continue;
    }
    // Terminator run.
    size_t term_begin = i;
    bool ellipsis = false;
    int n_term = 0;
    bool only_dot = true;
    size_t j = i;
    while (j < p.size()) {
      size_t l = 1;
      char32_t d = DecodeAt(p, j, &l);
      if (!IsTerminator(d)) break;
      if (d == 0x2026) ellipsis = true;
      if (d != '.') only_dot = false;
      ++n_term;
      j += l;
    }
    if (n_term >= 3 && only_dot) ellipsis = true;
    // "..." inside the run (searched in the run only: searching the rest of
    // the paragraph made splitting quadratic in its length).
    if (std::string_view(p).substr(term_begin, j - term_begin).find("...") != std::string_view::npos) ellipsis = true;
    size_t closers_begin = j;
    while (j < p.size()) {
      size_t l = 1;
      char32_t d = DecodeAt(p, j, &l);
      if (!IsCloser(d)) break;
      j += l;
    }
    bool has_closers = j > closers_begin;
    size_t cand_end = j;  // end of terminator + closers
    if (j >= p.size() || p[j] != ' ') {
      i = j > i ? j : i + len;
      continue;
    }
    size_t next = j + 1;  // Collapse() leaves single spaces
    if (next >= p.size()) break;
    size_t nl = 1;
    char32_t nxt = DecodeAt(p, next, &nl);
    bool boundary = true;
    if (!(internal::IsUpperCp(nxt) || internal::IsDigitCp(nxt) || IsOpener(nxt) || IsDash(nxt))) {
      boundary = false;
    } else if (ellipsis && !has_closers) {
      boundary = false;
    } else if (n_term == 1 && p[term_begin] == '.' && !has_closers) {
      size_t ws = term_begin;
      while (ws > 0 && p[ws - 1] != ' ') --ws;
      std::string word = StripOpeners(std::string_view(p).substr(ws, term_begin - ws));
      if (TitleAbbrevs().count(word)) {
        boundary = false;
      } else if (NumberAbbrevs().count(word) && internal::IsDigitCp(nxt)) {
        boundary = false;
      } else if (InnerAbbrevs().count(word) || InnerAbbrevs().count(internal::Collapse(word))) {
        boundary = false;
      } else {
        std::string lw;
        for (char ch : word) lw.push_back(static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch));
        if (InnerAbbrevs().count(lw)) boundary = false;
        if (IsInitials(word) && word != "I") boundary = false;
      }
    }
    if (boundary) {
      pieces.push_back(p.substr(start, cand_end - start));
      start = next;
    }
    i = next;
  }
  if (start < p.size()) pieces.push_back(p.substr(start));

  std::vector<std::string> merged;
  for (std::string s : pieces) {
    s = internal::Collapse(s);
    if (s.empty()) continue;
    if (!merged.empty()) {
      // Leading closing quote(s) then a space: they close the previous sentence.
      size_t k = 0;
      while (k < s.size()) {
        size_t l = 1;
        char32_t d = DecodeAt(s, k, &l);
        if (!(d == '"' || d == '\'' || d == 0x201D || d == 0x2019)) break;
        k += l;
      }
      if (k > 0 && k < s.size() && s[k] == ' ' && k + 1 < s.size()) {
        merged.back() += " " + s.substr(0, k);
        s = s.substr(k + 1);
      }
    }
    if (!merged.empty() && !HasAlnum(s)) {
      merged.back() += " " + s;
    } else {
      merged.push_back(std::move(s));
    }
  }
  return merged;
}

}  // namespace dossier::analyse
