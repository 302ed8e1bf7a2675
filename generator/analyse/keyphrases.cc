// Keyphrases: runs of content words (no stop word, no punctuation between
// them) give 1-3 word candidates; each is weighted tf x corpus idf, longer
// phrases favoured, and a candidate overlapping a better one is dropped.
#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_set>

#include "analyse/analyse_internal.h"

namespace dossier::analyse::internal {

namespace {

bool ContentWord(const Word& w, const Gazetteer& g) {
  if (w.has_digit) {
    // "S-400" is content; bare numbers are not.
    bool letter = false;
    for (char c : w.text) {
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) letter = true;
    }
    if (!letter) return false;
  }
  std::string l = core::ToLowerAscii(w.text);
  if (l.size() < 2 && !w.upper) return false;
  if (g.stop.count(l)) return false;
  return true;
}

}  // namespace

TermCounts CountTerms(const std::string& title, const std::vector<std::string>& sentences,
                      const std::vector<std::vector<Word>>& words) {
  const Gazetteer& g = Lists();
  std::unordered_map<std::string, int> phrases, terms;
  auto add_terms = [&](const std::string& s, int times) {
    for (const std::string& t : AlnumTokens(s)) {
      if (t.size() < 2 || g.stop.count(t)) continue;
      if (std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; })) continue;
      terms[Stem(t)] += times;
    }
  };
  add_terms(title, 2);
  for (size_t si = 0; si < sentences.size(); ++si) {
    const std::string& s = sentences[si];
    add_terms(s, 1);
    const std::vector<Word>& ws = words[si];
    size_t i = 0;
    while (i < ws.size()) {
      if (!ContentWord(ws[i], g)) {
        ++i;
        continue;
      }
      size_t e = i + 1;
      while (e < ws.size() && ContentWord(ws[e], g) && !ws[e - 1].possessive) {
        std::string_view gap = std::string_view(s).substr(ws[e - 1].end, ws[e].begin - ws[e - 1].end);
        if (gap != " ") break;
        ++e;
      }
      for (size_t a = i; a < e; ++a) {
        std::string key;
        for (size_t len = 1; len <= 3 && a + len <= e; ++len) {
          if (len > 1) key.push_back(' ');
          key += core::ToLowerAscii(ws[a + len - 1].text);
          phrases[key]++;
        }
      }
      i = e;
    }
  }
  TermCounts tc;
  // Multi-word phrases seen once are never used (keyphrases and related
  // links need them to recur): keep the corpus tables small.
  for (auto it = phrases.begin(); it != phrases.end();) {
    if (it->second < 2 && it->first.find(' ') != std::string::npos) {
      it = phrases.erase(it);
    } else {
      ++it;
    }
  }
  tc.phrases.assign(phrases.begin(), phrases.end());
  tc.terms.assign(terms.begin(), terms.end());
  std::sort(tc.phrases.begin(), tc.phrases.end());
  std::sort(tc.terms.begin(), tc.terms.end());
  return tc;
}

std::vector<Keyphrase> PickKeyphrases(const TermCounts& tc, const std::unordered_map<std::string, int>& phrase_df,
                                      int n_docs, int max, const std::vector<Entity>& entities) {
  // Fragments of names are no keyphrases: "liberation army" inside
  // "People's Liberation Army", "wu" of "Wu Enyuan". Whole names are fine.
  std::unordered_set<std::string> fragments, whole;
  for (const Entity& e : entities) {
    for (const std::string& v : e.variants) {
      std::string l = core::ToLowerAscii(v);
      if (e.kind != "person") whole.insert(l);
      std::vector<std::string> toks;
      size_t pos = 0;
      while (pos <= l.size()) {
        size_t sp = l.find(' ', pos);
        toks.push_back(l.substr(pos, sp == std::string::npos ? std::string::npos : sp - pos));
        if (sp == std::string::npos) break;
        pos = sp + 1;
      }
      for (std::string& t : toks) {
        if (t.size() > 2 && t.compare(t.size() - 2, 2, "'s") == 0) t.resize(t.size() - 2);
      }
      for (size_t a = 0; a < toks.size(); ++a) {
        std::string f;
        for (size_t b = a; b < toks.size(); ++b) {
          f += (b > a ? " " : "") + toks[b];
          if (b - a + 1 < toks.size() || e.kind == "person") fragments.insert(f);
        }
      }
    }
  }
  struct Cand {
    const std::string* text;  // the phrase in `tc`
    double w;
    int words;
  };
  std::vector<Cand> cands;
  for (const auto& [p, tf] : tc.phrases) {
    int words = 1 + static_cast<int>(std::count(p.begin(), p.end(), ' '));
    if (words > 1 && tf < 2) continue;  // a multi-word phrase must recur
    if (fragments.count(p) && !whole.count(p)) continue;
    auto it = phrase_df.find(p);
    int df = it == phrase_df.end() ? 1 : it->second;
    double idf = std::log((1.0 + n_docs) / (1.0 + df)) + 1.0;
    double w = (1.0 + std::log(static_cast<double>(tf))) * idf * (words == 1 ? 0.6 : 1.0 + 0.3 * (words - 1));
    cands.push_back({&p, w, words});
  }
  std::sort(cands.begin(), cands.end(), [](const Cand& a, const Cand& b) {
    if (a.w != b.w) return a.w > b.w;
    return *a.text < *b.text;
  });
  std::vector<Keyphrase> out;
  auto contains_word_seq = [](const std::string& big, const std::string& small) {
    std::string b = " " + big + " ";
    return b.find(" " + small + " ") != std::string::npos;
  };
  auto stem_key = [](const std::string& p) {
    std::string k;
    size_t pos = 0;
    while (pos <= p.size()) {
      size_t sp = p.find(' ', pos);
      k += (k.empty() ? "" : " ") + Stem(p.substr(pos, sp == std::string::npos ? std::string::npos : sp - pos));
      if (sp == std::string::npos) break;
      pos = sp + 1;
    }
    return k;
  };
  std::unordered_set<std::string> stems;
  for (const Cand& c : cands) {
    if (static_cast<int>(out.size()) >= max) break;
    if (!stems.insert(stem_key(*c.text)).second) continue;  // "warning systems" after "warning system"
    bool overlap = false;
    for (const Keyphrase& k : out) {
      if (contains_word_seq(k.text, *c.text) || contains_word_seq(*c.text, k.text)) {
        overlap = true;
        break;
      }
    }
    if (overlap) continue;
    out.push_back({*c.text, std::round(c.w * 10000.0) / 10000.0});
  }
  return out;
}

}  // namespace dossier::analyse::internal
