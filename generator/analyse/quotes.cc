// Quotes: quoted spans ("..." and curly quotes) inside a paragraph, and who
// said them: '"...," Wu said' / '"...," said Mr Smith' after the quote,
// 'Li said: "..."' / 'X said the US is "..."' before it, pronouns resolved
// to the last person mentioned, and continuation paragraphs of a quote to
// the previous speaker.
#include <algorithm>

#include "analyse/analyse_internal.h"

namespace dossier::analyse::internal {

namespace {

struct Span {
  size_t open = 0;   // byte offset of the first quoted byte
  size_t close = 0;  // byte offset just after the last quoted byte
  size_t after = 0;  // byte offset after the closing mark (== close when unclosed)
};

// Quote spans in a paragraph. Curly marks pair explicitly; a straight '"'
// opens at the start or after a space/opening bracket and closes otherwise.
std::vector<Span> FindSpans(const std::string& p) {
  std::vector<Span> out;
  bool open = false;
  Span cur;
  for (size_t i = 0; i < p.size();) {
    size_t len = 1;
    char32_t c = DecodeAt(p, i, &len);
    bool is_open = false, is_close = false;
    if (c == 0x201C) {
      is_open = true;
    } else if (c == 0x201D) {
      is_close = true;
    } else if (c == '"') {
      bool after_space = i == 0 || p[i - 1] == ' ' || p[i - 1] == '(' || p[i - 1] == '[';
      if (open) {
        is_close = true;
      } else if (after_space) {
        is_open = true;
      }
    }
    // BBC style: a new quote opens right after the previous one closed with
    // '. "' - a straight mark after a space, followed by a letter, while a
    // quote is open, closes it and opens the next.
    if (c == '"' && open && i > 0 && p[i - 1] == ' ' && i + 1 < p.size() &&
        ((p[i + 1] >= 'A' && p[i + 1] <= 'Z') || (p[i + 1] >= '0' && p[i + 1] <= '9'))) {
      cur.close = i - 1;
      cur.after = i - 1;
      out.push_back(cur);
      cur = Span();
      cur.open = i + len;
      i += len;
      continue;
    }
    if (is_open && !open) {
      open = true;
      cur = Span();
      cur.open = i + len;
    } else if (is_close && open) {
      open = false;
      cur.close = i;
      cur.after = i + len;
      out.push_back(cur);
    }
    i += len;
  }
  if (open) {
    cur.close = p.size();
    cur.after = p.size();
    out.push_back(cur);
  }
  return out;
}

bool IsPronoun(const std::string& w) {
  std::string l = core::ToLowerAscii(w);
  return l == "he" || l == "she";
}

}  // namespace

std::vector<Quote> ExtractQuotes(const std::vector<Sentence>& sentences, const DocEntities& ents) {
  const Gazetteer& g = Lists();
  std::vector<Quote> out;
  // Names of the entities mentioned in each sentence, in order; people only
  // for pronoun resolution.
  std::vector<std::vector<const Mention*>> by_sentence(sentences.size());
  for (const Mention& m : ents.mentions) {
    if (m.sentence >= 0 && m.sentence < static_cast<int>(sentences.size())) by_sentence[m.sentence].push_back(&m);
  }
  auto is_person = [&](const Mention* m) { return ents.entities[m->entity].kind == "person"; };
  std::string last_person;   // most recent person mentioned before the point of reading
  std::string last_speaker;  // speaker of the previous quote
  int last_quote_paragraph = -1;

  // Resolve a capitalised name (surface) to the canonical entity name.
  auto resolve = [&](const std::vector<Word>& ws, size_t b, size_t e) -> std::string {
    for (size_t k = b; k < e; ++k) {
      std::string name;
      for (size_t j = k; j < e; ++j) {
        if (j > k) name.push_back(' ');
        name += ws[j].text;
      }
      auto it = ents.lookup.find(core::ToLowerAscii(name));
      if (it != ents.lookup.end()) return ents.entities[it->second].name;
    }
    std::string name;
    for (size_t k = b; k < e; ++k) {
      if (g.titles.count(ws[k].text) && k + 1 < e) continue;
      if (!name.empty()) name.push_back(' ');
      name += ws[k].text;
    }
    return name;
  };

  size_t si = 0;
  while (si < sentences.size()) {
    // One paragraph at a time.
    size_t sj = si;
    std::string para;
    std::vector<size_t> starts;
    while (sj < sentences.size() && sentences[sj].paragraph == sentences[si].paragraph) {
      if (!para.empty()) para.push_back(' ');
      starts.push_back(para.size());
      para += sentences[sj].text;
      ++sj;
    }
    auto sentence_at = [&](size_t off) {
      size_t k = std::upper_bound(starts.begin(), starts.end(), off) - starts.begin();
      return static_cast<int>(si + (k == 0 ? 0 : k - 1));
    };
    auto sentence_end = [&](int s) {
      size_t k = s - si;
      return k + 1 < starts.size() ? starts[k + 1] - 1 : para.size();
    };
    // Person mentioned last before `off` in this paragraph, else before it.
    auto person_before = [&](size_t off) {
      // The subject-like first person of the latest sentence naming one.
      std::string best = last_person;
      for (size_t s = si; s < sj; ++s) {
        for (const Mention* m : by_sentence[s]) {
          if (starts[s - si] + m->begin < off && is_person(m)) {
            best = ents.entities[m->entity].name;
            break;
          }
        }
      }
      return best;
    };
    std::vector<Span> spans = FindSpans(para);
    for (size_t qi = 0; qi < spans.size(); ++qi) {
      const Span& sp = spans[qi];
      std::string text(Collapse(std::string_view(para).substr(sp.open, sp.close - sp.open)));
      while (!text.empty() && (text.back() == ',' || text.back() == ' ')) text.pop_back();
      if (text.empty()) continue;
      int s_open = sentence_at(sp.open);
      std::string speaker;
      bool found = false;
      // After the quote: '," Wu said' / '," said Mr Smith' / '," he added'.
      if (sp.after < para.size()) {
        int s_close = sentence_at(sp.close > 0 ? sp.close - 1 : 0);
        size_t lim = sentence_end(s_close);
        // A quote ending its sentence may be attributed by the next one
        // ('..." She said ...').
        bool next_sentence = false;
        if (std::string_view(para).substr(sp.after, lim > sp.after ? lim - sp.after : 0).find_first_not_of(" ") ==
                std::string_view::npos &&
            s_close + 1 < static_cast<int>(sj)) {
          lim = sentence_end(s_close + 1);
          next_sentence = true;
        }
        if (qi + 1 < spans.size()) lim = std::min(lim, spans[qi + 1].open);
        if (lim > sp.after) {
          std::string tail = para.substr(sp.after, lim - sp.after);
          size_t k = 0;
          while (k < tail.size() && (tail[k] == ',' || tail[k] == ' ')) ++k;
          bool direct = k <= 2;  // the attribution follows the quote at once
          std::vector<Word> ws = Words(tail);
          for (size_t w = 0; direct && w < ws.size() && w < (next_sentence ? 2u : 8u); ++w) {
            if (!g.speech_verbs.count(ws[w].text)) continue;
            // Name before the verb.
            if (w > 0) {
              size_t e = w;
              size_t b = e;
              while (b > 0 && (ws[b - 1].upper || IsPronoun(ws[b - 1].text))) --b;
              if (b == 0 && b < e) {
                if (e - b == 1 && IsPronoun(ws[b].text)) {
                  speaker = person_before(sp.open);
                } else {
                  speaker = resolve(ws, b, e);
                }
                found = true;
              }
            }
            // Name after the verb.
            if (!found && w + 1 < ws.size()) {
              size_t b = w + 1;
              size_t e = b;
              while (e < ws.size() && ws[e].upper && e - b < 5) ++e;
              if (e > b) {
                speaker = resolve(ws, b, e);
                found = true;
              } else if (IsPronoun(ws[b].text) ||
                         ws[b].text == "the" || ws[b].text == "a") {
                // '," he added' / '," said the European champion'
                speaker = person_before(sp.open);
                found = true;
              }
            }
            break;
          }
        }
      }
      // Before the quote, in the same sentence: 'Li said: "..."'.
      if (!found) {
        size_t sb = starts[s_open - si];
        if (sp.open > sb) {
          std::string head = para.substr(sb, sp.open - sb);
          std::vector<Word> ws = Words(head);
          int verb = -1;
          for (size_t w = 0; w < ws.size(); ++w) {
            if (g.speech_verbs.count(ws[w].text) ||
                (ws[w].text == "to" && w > 0 && core::ToLowerAscii(ws[w - 1].text) == "according")) {
              verb = static_cast<int>(w);
            }
          }
          if (verb >= 0) {
            // Subject: the first person mentioned in the sentence before the verb.
            size_t verb_off = sb + ws[verb].begin;
            std::string first_any;
            for (const Mention* m : by_sentence[s_open]) {
              size_t off = sb + m->begin;
              if (off >= verb_off) break;
              if (is_person(m)) {
                speaker = ents.entities[m->entity].name;
                found = true;
                break;
              }
              if (first_any.empty() && m->begin < 40) first_any = ents.entities[m->entity].name;
            }
            if (!found) {
              if (ws.size() > 0 && IsPronoun(ws[0].text)) {
                speaker = person_before(sb);
                found = true;
              } else if (verb > 0 && IsPronoun(ws[verb - 1].text)) {
                speaker = person_before(sb);
                found = true;
              } else if (verb > 0 && core::ToLowerAscii(ws[verb - 1].text) == "to" && verb + 1 < static_cast<int>(ws.size())) {
                // 'according to X'
                size_t b = verb + 1, e = b;
                while (e < ws.size() && ws[e].upper) ++e;
                if (e > b) {
                  speaker = resolve(ws, b, e);
                  found = true;
                }
              } else if (!first_any.empty()) {
                speaker = first_any;
                found = true;
              }
            }
          }
        }
      }
      // A quote right after an attributed one in the same paragraph (BBC
      // '. "' style) continues it.
      if (!found && qi > 0 && !out.empty() && out.back().sentence >= static_cast<int>(si) &&
          !out.back().speaker.empty()) {
        // ... unless someone else is named in between.
        bool other = false;
        for (size_t s2 = si; s2 < sj; ++s2) {
          for (const Mention* m : by_sentence[s2]) {
            size_t off = starts[s2 - si] + m->begin;
            if (off >= spans[qi - 1].after && off < sp.open && is_person(m) &&
                ents.entities[m->entity].name != out.back().speaker) {
              other = true;
            }
          }
        }
        if (!other) {
          speaker = out.back().speaker;
          found = true;
        }
      }
      // A quote opening a paragraph right after a quoted paragraph continues it.
      if (!found && sp.open <= 1 && last_quote_paragraph == sentences[si].paragraph - 1 && !last_speaker.empty()) {
        speaker = last_speaker;
        found = true;
      }
      size_t words = AlnumTokens(text).size();
      if (found ? words < 2 : words < 6) continue;
      Quote q;
      q.speaker = speaker;
      q.text = text;
      q.sentence = s_open;
      out.push_back(std::move(q));
      if (!speaker.empty()) last_speaker = speaker;
      last_quote_paragraph = sentences[si].paragraph;
    }
    for (size_t s = si; s < sj; ++s) {
      for (const Mention* m : by_sentence[s]) {
        if (is_person(m)) {
          last_person = ents.entities[m->entity].name;
          break;
        }
      }
    }
    si = sj;
  }
  return out;
}

}  // namespace dossier::analyse::internal
