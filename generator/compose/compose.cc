#include "compose/compose.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <set>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "compose/compose_internal.h"

namespace dossier::compose {
namespace {

std::string Esc(std::string_view text) { return core::EscapeMarkdownInline(text); }
std::string EscLineStart(std::string s) { return core::EscapeMarkdownLineStart(std::move(s)); }

// A link destination that survives spaces and parentheses; characters that
// cannot appear in one are percent-encoded.
std::string UrlDest(const std::string& url) {
  std::string out = "<";
  for (char c : url) {
    if (c == '<' || c == '>' || c == '\\' || c == '\n' || c == ' ') {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", static_cast<unsigned char>(c));
      out += buf;
    } else {
      out += c;
    }
  }
  return out + ">";
}

std::string Anchor(int sentence) { return "s" + std::to_string(sentence + 1); }

bool IsWordByte(char c) { return std::isalnum(static_cast<unsigned char>(c)) || (c & 0x80); }

struct Mention {
  size_t pos, len;
  std::string slug;
};

thread_local size_t word_searches = 0;

// Finds `needle` in `hay` at word boundaries, from `from`.
size_t FindWord(const std::string& hay, const std::string& needle, size_t from) {
  ++word_searches;
  if (needle.empty()) return std::string::npos;
  for (size_t p = hay.find(needle, from); p != std::string::npos; p = hay.find(needle, p + 1)) {
    bool left = p == 0 || !IsWordByte(hay[p - 1]);
    size_t e = p + needle.size();
    bool right = e >= hay.size() || !IsWordByte(hay[e]);
    if (left && right) return p;
  }
  return std::string::npos;
}

// The first word run (bytes for which IsWordByte holds) of `s`, when `s`
// starts with one; else "".
std::string_view FirstWordRun(std::string_view s) {
  size_t n = 0;
  while (n < s.size() && IsWordByte(s[n])) ++n;
  return s.substr(0, n);
}

// Links the first mention of each entity with a page of its own, sentence
// by sentence. A form found by FindWord starts a word run of the sentence
// that equals the form's first word run (the byte before the match is not
// a word byte, and the run ends where the form's does: at a non-word byte
// of the form, or at the match's right boundary). So a sentence is only
// searched for the entities one of whose first word runs it contains (and
// those with a form that starts with punctuation): linking is linear in the
// text, however many entities a long report names, and links exactly what
// searching every entity in every sentence would.
class EntityLinker {
 public:
  EntityLinker(const std::vector<analyse::Entity>& entities, const ComposeContext& ctx) {
    for (const analyse::Entity& e : entities) {
      auto ref = ctx.entities.find(e.name);
      if (ref == ctx.entities.end() || ref->second.slug.empty()) continue;
      const uint32_t t = static_cast<uint32_t>(targets_.size());
      Target target{&e, &ref->second.slug, {}};
      // Variants include the name as a rule; a form seen before finds
      // nothing new.
      auto add_form = [&](const std::string& v) {
        if (std::none_of(target.forms.begin(), target.forms.end(), [&](const std::string* f) { return *f == v; }))
          target.forms.push_back(&v);
      };
      for (const std::string& v : e.variants) add_form(v);
      add_form(e.name);
      bool always = false;
      for (const std::string* v : target.forms) {
        if (v->empty()) continue;  // never found
        std::string_view w = FirstWordRun(*v);
        if (w.empty()) {
          always = true;
        } else {
          auto& list = by_word_[w];
          if (list.empty() || list.back() != t) list.push_back(t);
        }
      }
      if (always) always_.push_back(t);
      targets_.push_back(std::move(target));
    }
  }

  // The sentence as Markdown, with the first mention of not-yet-linked
  // entities linked to their pages (entities earlier in the analysis'
  // order first; a mention overlapping one linked before it waits for a
  // later sentence).
  std::string Link(const std::string& text) {
    cand_ = always_;
    for (size_t i = 0; i < text.size();) {
      std::string_view run = FirstWordRun(std::string_view(text).substr(i));
      if (run.empty()) {
        ++i;
        continue;
      }
      auto it = by_word_.find(run);
      if (it != by_word_.end()) cand_.insert(cand_.end(), it->second.begin(), it->second.end());
      i += run.size();
    }
    std::sort(cand_.begin(), cand_.end());
    cand_.erase(std::unique(cand_.begin(), cand_.end()), cand_.end());
    std::vector<Mention> found;
    for (uint32_t t : cand_) {
      const Target& target = targets_[t];
      if (linked_.count(target.entity->name)) continue;
      size_t best = std::string::npos, best_len = 0;
      for (const std::string* v : target.forms) {
        size_t p = FindWord(text, *v, 0);
        if (p < best || (p == best && v->size() > best_len)) {
          best = p;
          best_len = v->size();
        }
      }
      if (best == std::string::npos) continue;
      bool overlaps = std::any_of(found.begin(), found.end(), [&](const Mention& m) {
        return best < m.pos + m.len && m.pos < best + best_len;
      });
      if (overlaps) continue;
      found.push_back({best, best_len, *target.slug});
      linked_.insert(target.entity->name);
    }
    std::sort(found.begin(), found.end(), [](const Mention& a, const Mention& b) { return a.pos < b.pos; });
    std::string out;
    size_t at = 0;
    for (const auto& m : found) {
      out += Esc(text.substr(at, m.pos - at));
      out += "[" + Esc(text.substr(m.pos, m.len)) + "](../entities/" + m.slug + ".html)";
      at = m.pos + m.len;
    }
    out += Esc(text.substr(at));
    return out;
  }

 private:
  struct Target {
    const analyse::Entity* entity;
    const std::string* slug;
    std::vector<const std::string*> forms;  // variants, then the name; each once
  };
  std::vector<Target> targets_;  // entities with a page, in the analysis' order
  std::unordered_map<std::string_view, std::vector<uint32_t>> by_word_;  // first word run -> targets, ascending
  std::vector<uint32_t> always_;  // targets with a form that starts with a non-word byte
  std::set<std::string> linked_;  // names linked so far
  std::vector<uint32_t> cand_;
};

std::string LongDate(const std::string& iso) {
  static const char* kMonths[] = {"January", "February", "March", "April", "May", "June", "July",
                                  "August", "September", "October", "November", "December"};
  if (iso.size() != 10) return iso;
  int m = std::stoi(iso.substr(5, 2)), d = std::stoi(iso.substr(8, 2));
  if (m < 1 || m > 12) return iso;
  return std::to_string(d) + " " + kMonths[m - 1] + " " + iso.substr(0, 4);
}

}  // namespace

std::map<std::string, EntityRef> BuildEntityDirectory(const std::vector<analyse::ArticleAnalysis>& analyses,
                                                      int min_mentions) {
  // Every mention (name, kind, count) as views, sorted by name then kind:
  // each name's mentions are then one run, its kinds sub-runs in order.
  struct Mention {
    std::string_view name, kind;
    int count;
  };
  std::vector<Mention> all;
  size_t total = 0;
  for (const auto& a : analyses) total += a.entities.size();
  all.reserve(total);
  for (const auto& a : analyses)
    for (const auto& e : a.entities) all.push_back({e.name, e.kind, e.count});
  std::sort(all.begin(), all.end(), [](const Mention& x, const Mention& y) {
    int c = x.name.compare(y.name);
    return c != 0 ? c < 0 : x.kind < y.kind;
  });
  std::map<std::string, EntityRef> dir;
  std::unordered_set<std::string> used;  // slugs handed out (in name order)
  for (size_t i = 0; i < all.size();) {
    EntityRef r;
    r.name = std::string(all[i].name);
    // The kind the most mentions agree on (the first in kind order on a tie).
    int best = -1;
    size_t j = i;
    while (j < all.size() && all[j].name == all[i].name) {
      size_t k = j;
      while (k < all.size() && all[k].name == all[i].name && all[k].kind == all[j].kind) {
        r.count += all[k].count;
        ++k;
      }
      if (static_cast<int>(k - j) > best) {
        best = static_cast<int>(k - j);
        r.kind = std::string(all[j].kind);
      }
      j = k;
    }
    i = j;
    if (r.count >= min_mentions) {
      std::string base = core::Slugify(r.name, 60), slug = base;
      for (int n = 2; used.count(slug); ++n) slug = base + "-" + std::to_string(n);
      used.insert(slug);
      r.slug = std::move(slug);
    }
    std::string key = r.name;
    dir.emplace_hint(dir.end(), std::move(key), std::move(r));
  }
  return dir;
}

Page ComposeBriefing(const ingest::Article& art, const analyse::ArticleAnalysis& an, const ComposeContext& ctx) {
  Page p;
  p.is_briefing = true;
  p.rel_path = "briefings/" + art.slug + ".md";
  p.title = art.title;
  p.title_derived = art.title_derived;
  p.slug = art.slug;
  p.date = art.date;
  p.byline = art.byline;
  p.byline_url = art.byline_url;
  p.source_url = art.source_url;
  p.publisher = art.publisher;
  p.seed = art.source_path;
  p.seed_hash = art.content_hash;
  p.notes = art.notes;
  p.tags = art.tags;

  // In brief: the lead sentence (news puts the essentials first) and the
  // best-ranked others, shown in article order.
  size_t want = std::min<size_t>(an.ranking.size(), std::max(1, ctx.brief_sentences));
  std::vector<int> brief;
  if (want > 0) brief.push_back(0);
  for (int i : an.ranking)
    if (brief.size() < want && i != 0) brief.push_back(i);
  std::sort(brief.begin(), brief.end());
  for (int i : brief) p.summary.push_back(an.sentences[i].text);
  for (int i : an.key_points) p.key_points.push_back({an.sentences[i].text, Anchor(i)});
  for (const auto& e : an.entities) {
    auto ref = ctx.entities.find(e.name);
    EntityRef r = ref != ctx.entities.end() ? ref->second : EntityRef{e.name, e.kind, "", 0};
    r.count = e.count;
    p.entities.push_back(r);
  }
  for (const auto& k : an.keyphrases) p.keyphrases.push_back(k.text);
  for (const auto& q : an.quotes) p.quotes.push_back({q.speaker, q.text, Anchor(q.sentence)});
  for (const auto& r : an.related) {
    auto other = ctx.articles.find(r.id);
    if (other == ctx.articles.end()) continue;
    p.related.push_back({other->second.first, other->second.second, r.score, r.shared});
  }

  std::string b;
  if (!p.summary.empty()) {
    b += "## In brief\n\n";
    std::string para;
    for (const auto& s : p.summary) para += (para.empty() ? "" : " ") + Esc(s);
    b += EscLineStart(para) + "\n\n";
  }
  if (!p.key_points.empty()) {
    b += "## Key points\n\n";
    for (const auto& k : p.key_points) b += "- [" + Esc(k.text) + "](#" + k.anchor + ")\n";
    b += "\n";
  }
  if (!p.quotes.empty()) {
    b += "## Who said what\n\n";
    for (const auto& q : p.quotes) {
      std::string who = q.speaker.empty() ? "Unattributed" : q.speaker;
      b += "- **" + Esc(who) + "**: \u201C" + Esc(q.text) + "\u201D ([in context](#" + q.anchor + "))\n";
    }
    b += "\n";
  }
  b += "## Full text\n\n";
  EntityLinker linker(an.entities, ctx);
  int para = -1;
  std::string line;
  for (size_t i = 0; i < an.sentences.size(); ++i) {
    const auto& s = an.sentences[i];
    if (s.paragraph != para && !line.empty()) {
      b += line + "\n\n";
      line.clear();
    }
    para = s.paragraph;
    line += (line.empty() ? "" : " ") + std::string("{#") + Anchor(static_cast<int>(i)) + "}" +
            linker.Link(s.text);
  }
  if (!line.empty()) b += line + "\n\n";
  if (an.sentences.empty()) b += "*This article has no body text.*\n\n";
  for (const auto& n : p.notes) b += "> *Note:* " + Esc(n) + "\n\n";
  if (!p.related.empty()) {
    b += "## Related briefings\n\n";
    for (const auto& r : p.related) {
      b += "- [" + Esc(r.title) + "](" + r.slug + ".md)";
      if (!r.shared.empty()) {
        b += " \u2014 shares ";
        for (size_t k = 0; k < r.shared.size() && k < 6; ++k) b += (k ? ", " : "") + Esc(r.shared[k]);
      }
      b += "\n";
    }
    b += "\n";
  }
  b += "## Source\n\n";
  std::string src;
  if (!p.publisher.empty()) src += p.source_url.empty() ? Esc(p.publisher) : "[" + Esc(p.publisher) + "](" + UrlDest(p.source_url) + ")";
  else if (!p.source_url.empty()) src += "[" + Esc(p.source_url) + "](" + UrlDest(p.source_url) + ")";
  else src += "Source not recorded";
  if (!p.byline.empty()) src += ", by " + Esc(p.byline);
  if (!p.date.empty()) src += ", " + LongDate(p.date);
  b += src + ".\n\n";
  for (const auto& l : art.related_links)
    b += "Related at the source: " + (l.url.empty() ? Esc(l.text) : "[" + Esc(l.text) + "](" + UrlDest(l.url) + ")") + "\n\n";
  b += "Made from seeds/" + Esc(p.seed) + (p.title_derived ? "; the title was derived from the lead sentence" : "") + ".\n";
  p.body = b;
  return p;
}

namespace internal {
size_t WordSearches() { return word_searches; }
}  // namespace internal

}  // namespace dossier::compose
