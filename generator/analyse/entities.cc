// Named entities without models: capitalised spans, titles and cue words,
// small gazetteers and acronym rules; variants merged per document and then
// across the corpus. See docs/analysis.md for the rules.
#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "analyse/analyse_internal.h"

namespace dossier::analyse::internal {

namespace {

bool IsConnector(const std::string& w) {
  return w == "of" || w == "de" || w == "du" || w == "al" || w == "bin" || w == "van" || w == "von" ||
         w == "der" || w == "la" || w == "le" || w == "da" || w == "di" || w == "del" || w == "&" || w == "and";
}

// Text between two words is a plain join (single space, nothing else).
bool PlainGap(std::string_view s, size_t a, size_t b) {
  if (b < a) return false;
  std::string_view gap = s.substr(a, b - a);
  return gap == " " || gap == "-";
}

std::string Join(const std::vector<Word>& ws, size_t b, size_t e) {
  std::string out;
  for (size_t i = b; i < e; ++i) {
    if (i > b) out.push_back(' ');
    out += ws[i].text;
    if (ws[i].possessive && ws[i].text == "People") out += "'s";
  }
  return out;
}

struct RawMention {
  std::string surface;
  std::string gaz_canonical;  // from the gazetteer, else ""
  std::string kind;           // "person", "organisation", "place", "other" or "" (undecided)
  bool person_cue = false;    // title before / speech verb after
  int tokens = 0;
  int sentence = 0;
  bool initial = false;  // first word of its sentence
  size_t begin = 0, end = 0;
  std::string last;  // last token (persons' surname)
};

// Longest title starting at ws[i] (1..3 words); returns its word count.
int TitleAt(const std::vector<Word>& ws, size_t i, size_t end) {
  const Gazetteer& g = Lists();
  for (int len = 3; len >= 1; --len) {
    if (i + len > end) continue;
    std::string t = Join(ws, i, i + len);
    if (g.titles.count(t)) return len;
  }
  return 0;
}

bool LowerTitleBefore(const std::vector<Word>& ws, size_t i, std::string_view s) {
  if (i == 0) return false;
  const Word& p = ws[i - 1];
  if (!PlainGap(s, p.end, ws[i].begin)) return false;
  static const std::set<std::string> kRoles = {
      "spokesman", "spokeswoman", "spokesperson", "minister", "president", "secretary", "chairman", "chairwoman",
      "director", "coach", "manager", "striker", "midfielder", "defender", "goalkeeper", "captain", "chief",
      "executive", "boss", "leader", "actor", "actress", "singer", "star", "player", "champion", "analyst",
      "economist", "professor", "general", "envoy", "ambassador", "senator", "governor", "mayor", "premier",
      "chancellor", "winger", "skipper", "forward", "keeper", "rapper", "director-general", "founder",
      "editor", "writer", "author", "presenter", "host", "comedian", "designer", "producer", "judge", "officer"};
  return kRoles.count(core::ToLowerAscii(p.text)) > 0;
}

bool IsMonth(const std::string& w) {
  static const std::set<std::string> k = {"January", "February", "March", "April", "May", "June", "July",
                                          "August", "September", "October", "November", "December"};
  return k.count(w) > 0;
}

bool IsTitleHead(const std::string& w) {
  static const std::set<std::string> k = {
      "Secretary", "Minister", "Chancellor", "President", "Spokesman", "Spokeswoman", "Chairman", "Chairwoman",
      "Director", "Commissioner", "Ambassador", "Governor", "Mayor", "Leader", "Executive", "Officer", "Manager",
      "Coach", "Editor", "Premier", "Senator", "Secretary-General", "Vice-President", "Spokesperson", "Envoy"};
  return k.count(w) > 0;
}

bool CamelCase(const std::string& w) {
  for (size_t i = 1; i + 1 < w.size(); ++i) {
    if (w[i] >= 'a' && w[i] <= 'z' && w[i + 1] >= 'A' && w[i + 1] <= 'Z') return true;
  }
  return false;
}

}  // namespace

DocEntities ExtractEntities(const std::vector<std::string>& sentences, const std::vector<std::vector<Word>>& all_words) {
  const Gazetteer& g = Lists();
  std::vector<RawMention> raw;
  std::unordered_set<std::string> lower_words;  // words seen in lower case in this document
  for (size_t si = 0; si < sentences.size(); ++si) {
    for (const Word& w : all_words[si]) {
      if (!w.upper) lower_words.insert(w.text);
    }
  }

  for (size_t si = 0; si < sentences.size(); ++si) {
    const std::string& s = sentences[si];
    const std::vector<Word>& ws = all_words[si];
    size_t i = 0;
    while (i < ws.size()) {
      if (!ws[i].upper) {
        ++i;
        continue;
      }
      // Grow a span of capitalised words joined by plain spaces and connectors.
      size_t b = i;
      size_t e = i + 1;
      while (e < ws.size()) {
        if (ws[e - 1].possessive && ws[e - 1].text != "People") break;
        if (!PlainGap(s, ws[e - 1].end, ws[e].begin)) break;
        if (ws[e].upper) {
          ++e;
          continue;
        }
        if (IsConnector(ws[e].text) && ws[e].text != "and" && e + 1 < ws.size() && ws[e + 1].upper &&
            PlainGap(s, ws[e].end, ws[e + 1].begin)) {
          e += 2;
          continue;
        }
        break;
      }
      i = e;
      // Strip sentence-initial / common capitalised words, demonyms and titles.
      bool cue = false;
      bool at_start = (b == 0) || (b > 0 && ws[b - 1].end <= 2 && !ws[b - 1].upper && b == 1 && false);
      while (b < e) {
        const std::string& t = ws[b].text;
        std::string rest = Join(ws, b, e);
        if (g.known.count(rest)) break;
        int tl = TitleAt(ws, b, e);
        if (tl > 0 && b + tl < e && !g.other_words.count(ws[e - 1].text) && !g.org_words.count(ws[e - 1].text) &&
            !g.place_words.count(ws[e - 1].text)) {
          b += tl;
          cue = true;
          at_start = false;
          continue;
        }
        if (g.common_caps.count(t) || (at_start && (g.stop.count(core::ToLowerAscii(t)) || lower_words.count(core::ToLowerAscii(t))))) {
          ++b;
          at_start = false;
          continue;
        }
        if (g.demonyms.count(t) && b + 1 < e) {
          std::string after = Join(ws, b + 1, e);
          if (g.known.count(after) || TitleAt(ws, b + 1, e) > 0 || ws[b + 1].has_digit || ws[b + 1].all_caps) {
            ++b;
            continue;
          }
        }
        break;
      }
      while (b < e && IsConnector(ws[b].text)) ++b;
      // "Zara Hyde Peters of UK Athletics": a person, then an organisation.
      if (b < e && !g.known.count(Join(ws, b, e))) {
        for (size_t k = b + 2; k + 1 < e; ++k) {
          if (ws[k].text != "of") continue;
          bool name_like = true;
          for (size_t j = b; j < k; ++j) {
            if (g.org_words.count(ws[j].text) || g.place_words.count(ws[j].text) ||
                g.other_words.count(ws[j].text) || g.titles.count(ws[j].text) || g.demonyms.count(ws[j].text)) {
              name_like = false;
            }
          }
          if (name_like) e = k;
          break;
        }
      }
      while (e > b && ((g.common_caps.count(ws[e - 1].text) && !(e - b >= 2 && IsMonth(ws[e - 1].text))) ||
                       IsConnector(ws[e - 1].text))) {
        --e;
      }
      if (b >= e) continue;
      // "Trade and Industry Secretary Patricia Hewitt": a role ending in a
      // title head word, then the name.
      for (size_t k = e; k-- > b + 0;) {
        if (IsTitleHead(ws[k].text) && k + 1 < e && ws[k + 1].upper && !g.known.count(Join(ws, b, e))) {
          if (e - (k + 1) <= 3) {
            b = k + 1;
            cue = true;
          }
          break;
        }
      }
      if (IsTitleHead(ws[e - 1].text)) continue;  // a role without a name: "Home Secretary"
      if (b >= e) continue;
      if (e - b == 1 && (g.demonyms.count(ws[b].text) || g.titles.count(ws[b].text))) continue;
      if (e - b > 6) continue;  // headline-style capitalisation, not a name
      RawMention m;
      m.surface = Join(ws, b, e);
      m.tokens = static_cast<int>(e - b);
      m.sentence = static_cast<int>(si);
      m.begin = ws[b].begin;
      m.initial = b == 0;
      // "Intermediate-Range Nuclear Forces (INF) Treaty" -> "INF Treaty".
      if (b >= 1 && ws[b].begin >= 2 && s.compare(ws[b].begin - 2, 2, ") ") == 0 && ws[b - 1].all_caps &&
          ws[b - 1].begin >= 1 && s[ws[b - 1].begin - 1] == '(' && ws[b - 1].end + 2 == ws[b].begin) {
        m.surface = ws[b - 1].text + " " + m.surface;
        m.tokens += 1;
        m.begin = ws[b - 1].begin;
      }
      if (m.tokens == 1 && !ws[b].all_caps && !ws[b].has_digit && ws[b].text.find('-') != std::string::npos) {
        // "China-Russia": a compound of known names is no entity of its own.
        bool all_known = true;
        size_t pos = 0;
        const std::string& t = ws[b].text;
        while (pos <= t.size()) {
          size_t dash = t.find('-', pos);
          std::string part = t.substr(pos, dash == std::string::npos ? std::string::npos : dash - pos);
          if (!g.known.count(part) && !g.demonyms.count(part)) all_known = false;
          if (dash == std::string::npos) break;
          pos = dash + 1;
        }
        if (all_known) continue;
      }
      m.end = ws[e - 1].end;
      m.last = ws[e - 1].text;
      m.person_cue = cue || LowerTitleBefore(ws, b, s);
      if (e < ws.size() && g.speech_verbs.count(ws[e].text) && PlainGap(s, ws[e - 1].end, ws[e].begin) &&
          !ws[e - 1].possessive) {
        m.person_cue = true;
      }
      // ', said John Smith' / '" said Smith'
      if (b > 0 && g.speech_verbs.count(ws[b - 1].text) && PlainGap(s, ws[b - 1].end, ws[b].begin)) {
        size_t k = ws[b - 1].begin;
        if (k >= 2 && (s[k - 2] == ',' || s[k - 2] == '"' || s[k - 1] == '"' ||
                       s.compare(k >= 4 ? k - 4 : 0, 3, "\xE2\x80\x9D") == 0)) {
          m.person_cue = true;
        }
      }
      auto it = g.known.find(m.surface);
      if (it == g.known.end() && core::StartsWith(m.surface, "The ")) it = g.known.find(m.surface.substr(4));
      if (it != g.known.end()) {
        m.gaz_canonical = it->second.first;
        m.kind = it->second.second;
      } else if (m.tokens == 1 && (ws[b].all_caps || ws[b].has_digit)) {
        m.kind = "other";
      } else if (m.tokens == 1 && CamelCase(ws[b].text)) {
        m.kind = "organisation";  // TimeWarner, PlayStation-style brand names
      } else if (m.tokens > 1 && g.org_words.count(m.last)) {
        m.kind = "organisation";
      } else if (m.tokens > 1 && g.place_words.count(m.last)) {
        m.kind = "place";
      } else if (g.other_words.count(m.last) && m.tokens > 1) {
        m.kind = "other";
      } else {
        bool org_inside = false;
        for (size_t k = b; k < e; ++k) {
          if (g.org_words.count(ws[k].text)) org_inside = true;
        }
        if (org_inside && !m.person_cue) m.kind = "organisation";
      }
      if (m.kind.empty() && m.tokens >= 2 && g.first_names.count(ws[b].text)) m.person_cue = true;
      raw.push_back(std::move(m));
    }
  }

  // ---- Group mentions into entities --------------------------------------
  // Key: gazetteer canonical, else surface.
  struct Group {
    std::string key;
    std::string kind;
    bool person = false;
    int tokens = 0;
    std::map<std::string, int> variants;
    std::vector<int> mentions;
    int first = 0;
    std::string last;
    std::string first_token;
    bool mid_sentence = false;  // some mention is not sentence-initial
    bool gazetteer = false;
  };
  std::map<std::string, int> by_key;
  std::vector<Group> groups;
  for (size_t mi = 0; mi < raw.size(); ++mi) {
    const RawMention& m = raw[mi];
    std::string key = m.gaz_canonical.empty() ? m.surface : m.gaz_canonical;
    auto [it, inserted] = by_key.emplace(key, static_cast<int>(groups.size()));
    if (inserted) {
      Group gr;
      gr.key = key;
      gr.kind = m.kind;
      gr.tokens = m.tokens;
      gr.first = static_cast<int>(mi);
      gr.last = m.last;
      gr.first_token = m.surface.substr(0, m.surface.find(' '));
      groups.push_back(std::move(gr));
    }
    Group& gr = groups[it->second];
    gr.variants[m.surface]++;
    gr.mentions.push_back(static_cast<int>(mi));
    if (m.person_cue && m.kind.empty()) gr.person = true;
    if (!m.initial) gr.mid_sentence = true;
    if (!m.gaz_canonical.empty()) gr.gazetteer = true;
  }
  // Undecided multi-word names: people when any mention had a person cue or
  // a single-word mention of the surname was a speaker.
  std::map<std::string, bool> surname_cue;
  for (const Group& gr : groups) {
    if (gr.kind.empty() && gr.person) surname_cue[gr.last] = true;
  }
  for (Group& gr : groups) {
    if (!gr.kind.empty()) continue;
    if (gr.person || (gr.tokens >= 2 && gr.tokens <= 3 && surname_cue.count(gr.last))) {
      gr.kind = "person";
    }
  }
  // Parent pointers for merges.
  std::vector<int> parent(groups.size());
  for (size_t k = 0; k < groups.size(); ++k) parent[k] = static_cast<int>(k);
  auto find = [&](int x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  auto count_of = [&](const Group& gr) { return static_cast<int>(gr.mentions.size()); };
  // Spelling variants of the same person: same surname, similar given name.
  // Only people with the same number of words and the same surname are
  // compared, so the groups are bucketed by those first (a long report
  // names thousands); within a bucket, pairs are merged in the order of
  // all pairs, and buckets never share a group, so the merges are the
  // ones comparing every pair would make.
  std::map<std::pair<int, std::string>, std::vector<int>> namesakes;  // (tokens, surname) -> people, ascending
  for (size_t a = 0; a < groups.size(); ++a) {
    const Group& x = groups[a];
    if (x.kind == "person" && x.tokens >= 2) namesakes[{x.tokens, x.last}].push_back(static_cast<int>(a));
  }
  for (const auto& [bucket, people] : namesakes) {
    for (size_t i = 0; i < people.size(); ++i) {
      for (size_t j = i + 1; j < people.size(); ++j) {
        const Group& x = groups[people[i]];
        const Group& y = groups[people[j]];
        std::string fx = x.key.substr(0, x.key.find(' '));
        std::string fy = y.key.substr(0, y.key.find(' '));
        if (!fx.empty() && !fy.empty() && fx[0] == fy[0] && core::EditDistance(fx, fy) <= 2) {
          parent[find(people[j])] = find(people[i]);
        }
      }
    }
  }
  // Single words (and "Mr Smith") -> the person with that surname, or given
  // name; acronyms -> the spelled-out name in the document. The names a
  // word can match are looked up by surname, first word and initials (the
  // best match is unique: most mentions, then the smallest key).
  auto initials_of = [](const std::string& k) {
    std::string initials;
    size_t pos = 0;
    while (pos < k.size()) {
      size_t sp = k.find(' ', pos);
      std::string w = k.substr(pos, sp == std::string::npos ? std::string::npos : sp - pos);
      if (!w.empty() && w != "of" && w != "and" && w != "the" && w != "&") initials.push_back(w[0]);
      if (sp == std::string::npos) break;
      pos = sp + 1;
    }
    return initials;
  };
  std::unordered_map<std::string, std::vector<int>> by_last, by_first, by_initials;
  for (size_t b2 = 0; b2 < groups.size(); ++b2) {
    const Group& y = groups[b2];
    if (y.tokens < 2) continue;
    by_last[y.last].push_back(static_cast<int>(b2));
    by_first[y.first_token].push_back(static_cast<int>(b2));
    std::string initials = initials_of(y.key);
    if (initials.size() >= 2) by_initials[initials].push_back(static_cast<int>(b2));
  }
  static const std::vector<int> kNone;
  auto lookup = [](const std::unordered_map<std::string, std::vector<int>>& m, const std::string& k)
      -> const std::vector<int>& {
    auto it = m.find(k);
    return it == m.end() ? kNone : it->second;
  };
  for (size_t a = 0; a < groups.size(); ++a) {
    Group& x = groups[a];
    if (x.tokens != 1) continue;
    int best = -1;
    auto consider = [&](int b2, bool match) {
      const Group& y = groups[b2];
      if (match && (best < 0 || count_of(y) > count_of(groups[best]) ||
                    (count_of(y) == count_of(groups[best]) && y.key < groups[best].key))) {
        best = b2;
      }
    };
    // Kinds are read as they are now: a merge below can make its root a person.
    if (x.kind.empty() || x.kind == "person") {
      auto as_person = [&](int b2) {
        const Group& y = groups[b2];
        return y.kind == "person" || (y.kind.empty() && y.tokens <= 3);
      };
      for (int b2 : lookup(by_last, x.key)) consider(b2, as_person(b2));
      if (g.family_first.count(x.key))
        for (int b2 : lookup(by_first, x.key)) consider(b2, as_person(b2));
    }
    if (x.kind == "other" && x.key.size() >= 2) {
      // Acronym: initials of the multi-word name.
      std::string plain;
      for (char c : x.key) {
        if (c != '.') plain.push_back(c);
      }
      for (int b2 : lookup(by_initials, plain)) consider(b2, true);
    }
    if (best >= 0) {
      int root = find(best);
      parent[find(static_cast<int>(a))] = root;
      if (x.kind == "person" || x.person) groups[root].kind = groups[root].kind.empty() ? "person" : groups[root].kind;
    }
  }
  // Single words that are speakers but matched nobody: people. Single
  // capitalised words seen only at sentence starts, and bare cue words
  // ("Treaty", "Ministry"), are dropped unless they merged into a name.
  std::vector<char> dropped(groups.size(), 0);
  std::vector<char> merged_into(groups.size(), 0);  // some other group merged into this root
  for (size_t j = 0; j < groups.size(); ++j) {
    const int r = find(static_cast<int>(j));
    if (r != static_cast<int>(j)) merged_into[r] = 1;
  }
  for (size_t k = 0; k < groups.size(); ++k) {
    Group& gr = groups[k];
    if (gr.kind.empty() && gr.person) gr.kind = "person";
    if (gr.tokens != 1 || gr.gazetteer || find(static_cast<int>(k)) != static_cast<int>(k)) continue;
    if (merged_into[k] || gr.kind == "person") continue;
    const std::string& t = gr.key;
    bool acronym = t.size() >= 2 && std::all_of(t.begin(), t.end(), [](char c) {
      return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
    });
    bool digit = std::any_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (acronym || digit) continue;
    int mid = 0;
    for (int mi : gr.mentions) mid += raw[mi].initial ? 0 : 1;
    if (mid < 2 || g.org_words.count(t) || g.place_words.count(t) || g.other_words.count(t)) dropped[k] = 1;
  }

  // ---- Build the entity list ------------------------------------------------
  std::map<int, std::vector<int>> members;
  for (size_t k = 0; k < groups.size(); ++k) {
    if (!dropped[k]) members[find(static_cast<int>(k))].push_back(static_cast<int>(k));
  }
  DocEntities out;
  std::vector<std::pair<int, int>> mention_entity;  // raw mention -> entity
  for (auto& [root, ks] : members) {
    Entity e;
    std::map<std::string, int> variants;
    std::set<int> sents;
    std::string kind;
    // Canonical: the root's gazetteer key, else the most frequent multi-word
    // variant group (ties: longer, then alphabetical).
    const Group* best = nullptr;
    for (int k : ks) {
      const Group& gr = groups[k];
      for (auto& [v, c] : gr.variants) variants[v] += c;
      for (int mi : gr.mentions) sents.insert(raw[mi].sentence);
      if (kind.empty() || (kind == "other" && !gr.kind.empty() && k == root)) kind = gr.kind;
      auto better = [&](const Group* a, const Group* b) {
        bool ga = a->key != a->variants.begin()->first || a->variants.size() > 1;  // gazetteer or merged
        (void)ga;
        if ((a->tokens >= 2) != (b->tokens >= 2)) return a->tokens >= 2;
        if (count_of(*a) != count_of(*b)) return count_of(*a) > count_of(*b);
        if (a->key.size() != b->key.size()) return a->key.size() > b->key.size();
        return a->key < b->key;
      };
      if (best == nullptr || better(&gr, best)) best = &gr;
    }
    const Group& rootg = groups[root];
    if (!rootg.kind.empty()) kind = rootg.kind;
    bool gazetteer = false;
    for (int k : ks) {
      for (int mi : groups[k].mentions) {
        if (!raw[mi].gaz_canonical.empty()) gazetteer = true;
      }
    }
    e.name = gazetteer ? rootg.key : best->key;
    if (!gazetteer && kind != "person") {
      // Not a person: the most frequent form ("THAAD" over its spelled-out name).
      const Group* top = nullptr;
      for (int k : ks) {
        const Group& gr = groups[k];
        if (top == nullptr || count_of(gr) > count_of(*top) ||
            (count_of(gr) == count_of(*top) &&
             (gr.key.size() > top->key.size() || (gr.key.size() == top->key.size() && gr.key < top->key)))) {
          top = &gr;
        }
      }
      e.name = top->key;
    }
    if (kind.empty()) kind = "other";
    e.kind = kind;
    for (auto& [v, c] : variants) {
      e.variants.push_back(v);
      e.count += c;
    }
    if (std::find(e.variants.begin(), e.variants.end(), e.name) == e.variants.end()) e.variants.push_back(e.name);
    std::sort(e.variants.begin(), e.variants.end());
    e.sentences.assign(sents.begin(), sents.end());
    int idx = static_cast<int>(out.entities.size());
    for (int k : ks) {
      for (int mi : groups[k].mentions) mention_entity.emplace_back(mi, idx);
    }
    out.entities.push_back(std::move(e));
  }
  std::sort(mention_entity.begin(), mention_entity.end());
  for (auto& [mi, idx] : mention_entity) {
    Mention m;
    m.surface = raw[mi].surface;
    m.sentence = raw[mi].sentence;
    m.begin = raw[mi].begin;
    m.end = raw[mi].end;
    m.entity = idx;
    out.mentions.push_back(std::move(m));
  }
  for (size_t k = 0; k < out.entities.size(); ++k) {
    const Entity& e = out.entities[k];
    for (const std::string& v : e.variants) out.lookup.emplace(core::ToLowerAscii(v), static_cast<int>(k));
    if (e.kind == "person") {
      size_t sp = e.name.rfind(' ');
      if (sp != std::string::npos) out.lookup.emplace(core::ToLowerAscii(e.name.substr(sp + 1)), static_cast<int>(k));
    }
  }
  return out;
}

std::map<std::string, std::string> MergeAcrossCorpus(std::vector<std::vector<Entity>*>& per_doc) {
  // People with several words: group by surname, cluster given names that
  // are spelling variants (same initial, edit distance <= 2).
  std::map<std::string, std::map<std::string, int>> by_surname;  // surname -> full name -> total count
  for (auto* ents : per_doc) {
    for (const Entity& e : *ents) {
      if (e.kind != "person") continue;
      size_t sp = e.name.rfind(' ');
      std::string surname = sp == std::string::npos ? e.name : e.name.substr(sp + 1);
      by_surname[surname][e.name] += e.count;
    }
  }
  std::map<std::string, std::string> rename;
  for (auto& [surname, names] : by_surname) {
    std::vector<std::pair<std::string, int>> full;
    for (auto& [n, c] : names) {
      if (n.find(' ') != std::string::npos) full.emplace_back(n, c);
    }
    // Union-find over full names.
    std::vector<int> parent(full.size());
    for (size_t k = 0; k < full.size(); ++k) parent[k] = static_cast<int>(k);
    std::function<int(int)> find = [&](int x) { return parent[x] == x ? x : parent[x] = find(parent[x]); };
    for (size_t a = 0; a < full.size(); ++a) {
      for (size_t b = a + 1; b < full.size(); ++b) {
        const std::string& x = full[a].first;
        const std::string& y = full[b].first;
        if (std::count(x.begin(), x.end(), ' ') != std::count(y.begin(), y.end(), ' ')) continue;
        std::string fx = x.substr(0, x.find(' '));
        std::string fy = y.substr(0, y.find(' '));
        if (fx[0] == fy[0] && core::EditDistance(fx, fy) <= 2 && fx.size() >= 3 && fy.size() >= 3) {
          parent[find(static_cast<int>(b))] = find(static_cast<int>(a));
        }
      }
    }
    std::map<int, std::vector<int>> clusters;
    for (size_t k = 0; k < full.size(); ++k) clusters[find(static_cast<int>(k))].push_back(static_cast<int>(k));
    for (auto& [root, ks] : clusters) {
      int best = ks[0];
      for (int k : ks) {
        if (full[k].second > full[best].second ||
            (full[k].second == full[best].second && full[k].first < full[best].first)) {
          best = k;
        }
      }
      for (int k : ks) {
        if (k != best) rename[full[k].first] = full[best].first;
      }
    }
    // A bare surname -> the only full name with it in the corpus.
    if (clusters.size() == 1 && names.count(surname)) {
      int root = clusters.begin()->first;
      int best = root;
      for (int k : clusters.begin()->second) {
        if (full[k].second > full[best].second ||
            (full[k].second == full[best].second && full[k].first < full[best].first)) {
          best = k;
        }
      }
      rename[surname] = full[best].first;
    }
  }
  if (rename.empty()) return rename;
  for (auto* ents : per_doc) {
    bool changed = false;
    for (Entity& e : *ents) {
      if (e.kind != "person") continue;
      auto it = rename.find(e.name);
      if (it == rename.end()) continue;
      e.name = it->second;
      if (std::find(e.variants.begin(), e.variants.end(), e.name) == e.variants.end()) {
        e.variants.push_back(e.name);
        std::sort(e.variants.begin(), e.variants.end());
      }
      changed = true;
    }
    if (!changed) continue;
    // Two entities of one document may now share a name: merge them.
    std::map<std::pair<std::string, std::string>, int> seen;
    std::vector<Entity> merged;
    for (Entity& e : *ents) {
      auto key = std::make_pair(e.name, e.kind);
      auto it = seen.find(key);
      if (it == seen.end()) {
        seen.emplace(key, static_cast<int>(merged.size()));
        merged.push_back(std::move(e));
        continue;
      }
      Entity& m = merged[it->second];
      m.count += e.count;
      std::set<std::string> vs(m.variants.begin(), m.variants.end());
      vs.insert(e.variants.begin(), e.variants.end());
      m.variants.assign(vs.begin(), vs.end());
      std::set<int> ss(m.sentences.begin(), m.sentences.end());
      ss.insert(e.sentences.begin(), e.sentences.end());
      m.sentences.assign(ss.begin(), ss.end());
    }
    *ents = std::move(merged);
  }
  return rename;
}

}  // namespace dossier::analyse::internal
