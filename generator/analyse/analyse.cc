// Analyse(): runs every sub-stage over the corpus. Documents are processed in
// id order whatever the input order; per-document work runs on a thread pool
// and writes only its own slot, so the output never depends on threads.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <cstdio>
#include <memory>
#include <unordered_map>
#include <unordered_set>
#ifdef DOSSIER_ANALYSE_TIMING
#include <ctime>
#include <sys/resource.h>
#include <cstdio>
#define STAGE(name) do { struct rusage ru; getrusage(RUSAGE_SELF, &ru); std::fprintf(stderr, "%s %.1f ms cpu, maxrss %ld MB\n", name, 1000.0 * (std::clock() - t0) / CLOCKS_PER_SEC, ru.ru_maxrss / 1024); } while (0)
#else
#define STAGE(name)
#endif

#include "analyse/analyse.h"
#include "analyse/analyse_internal.h"

namespace dossier::analyse {

using namespace internal;

namespace {

struct Work {
  ArticleAnalysis a;
  DocEntities ents;
  // Shared, not copied: a cache hit reuses the counts as they are (they
  // are only read after AnalyseOne).
  std::shared_ptr<const TermCounts> terms;
};

int SummaryLength(int n, const AnalyseOptions& o) {
  if (n == 0) return 0;
  if (o.summary_sentences > 0) return std::min(n, o.summary_sentences);
  double ratio = std::isfinite(o.summary_ratio) ? std::clamp(o.summary_ratio, 0.0, 1.0) : 0.4;
  int k = static_cast<int>(std::ceil(ratio * n - 1e-9));
  return std::clamp(k, 1, n);
}

void AnalyseOne(const Document& doc, const AnalyseOptions& o, Work* w) {
  ArticleAnalysis& a = w->a;
  a.id = doc.id;
  for (size_t p = 0; p < doc.paragraphs.size(); ++p) {
    for (std::string& s : SplitSentences(doc.paragraphs[p])) {
      a.sentences.push_back({std::move(s), static_cast<int>(p)});
    }
  }
  std::vector<std::string> texts;
  texts.reserve(a.sentences.size());
  for (const Sentence& s : a.sentences) texts.push_back(s.text);
  std::string title = Collapse(doc.title);
  std::vector<SparseVec> vecs = SentenceVectors(texts);
  std::vector<std::vector<Word>> words(texts.size());
  for (size_t i = 0; i < texts.size(); ++i) words[i] = Words(texts[i]);
  std::vector<double> scores = RankSentences(texts, title, vecs);
  a.summary = PickSummary(vecs, scores, SummaryLength(static_cast<int>(texts.size()), o), &a.ranking);
  a.key_points = PickKeyPoints(texts, words, vecs, scores, o.key_points_min, o.key_points_max);
  w->ents = ExtractEntities(texts, words);
  a.quotes = ExtractQuotes(a.sentences, w->ents);
  w->terms = std::make_shared<const TermCounts>(CountTerms(title, texts, words));
  // Mentions and the surface lookup served the quotes; only the entities
  // are used from here on.
  std::vector<Mention>().swap(w->ents.mentions);
  std::unordered_map<std::string, int>().swap(w->ents.lookup);
}

std::string CacheKey(const Document& d) {
  std::string text = d.id;
  text += '\0';
  text += d.title;
  for (const auto& p : d.paragraphs) {
    text += '\0';
    text += p;
  }
  return core::ContentHashHex(text) + ":" + std::to_string(text.size());
}

std::string OptionsKey(const AnalyseOptions& o) {
  char buf[128];
  std::snprintf(buf, sizeof buf, "%.17g/%d/%d/%d", o.summary_ratio, o.summary_sentences, o.key_points_min,
                o.key_points_max);
  return buf;
}

}  // namespace

struct AnalysisCache::Impl {
  std::string options_key;
  std::unordered_map<std::string, std::shared_ptr<Work>> entries;
  size_t hits = 0, misses = 0;
  // SetExportOnly: entries are handed to the analysis, and the next ones
  // are kept only as `exported` bytes (Export's format).
  bool export_only = false;
  std::string exported;
  std::function<void(std::string&&)> export_sink;  // SetExportSink
  // Phrase document frequencies of the documents of the last call (their
  // keys, with repeats), updated by difference on the next call.
  bool df_valid = false;
  std::unordered_map<std::string, int> phrase_df;
  std::unordered_map<std::string, int> df_keys;  // key -> documents counted
  // Phrases whose document frequency the last update changed (on net).
  std::unordered_set<std::string> df_changed;
  // Keyphrases of the documents of the last call, by key, with what else
  // they were picked from: the number of documents, the most keyphrases
  // wanted and a fingerprint of the document's entities (kinds and
  // variants, after the corpus-wide merge). A document with the same key,
  // count, most and fingerprint, none of whose phrases is in `df_changed`,
  // gets the same keyphrases (PickKeyphrases reads nothing else), so they
  // are not picked again.
  struct KeyphraseMemo {
    int n = 0;
    int max = 0;
    uint64_t entities = 0;
    std::vector<Keyphrase> keyphrases;
  };
  std::unordered_map<std::string, KeyphraseMemo> keyphrases;
};

AnalysisCache::AnalysisCache() : impl_(std::make_unique<Impl>()) {}
AnalysisCache::~AnalysisCache() = default;
size_t AnalysisCache::hits() const { return impl_->hits; }
size_t AnalysisCache::misses() const { return impl_->misses; }
size_t AnalysisCache::size() const { return impl_->entries.size(); }

namespace {

// A cached Work is the per-document result of AnalyseOne: `a` without
// entities, keyphrases and related (corpus-wide, added later), the
// document's own entities (mentions and lookup are only used inside
// AnalyseOne) and the term counts.
void PutWork(const Work& w, core::ByteWriter* out) {
  const ArticleAnalysis& a = w.a;
  out->Str(a.id);
  out->U64(a.sentences.size());
  for (const Sentence& s : a.sentences) {
    out->Str(s.text);
    out->I64(s.paragraph);
  }
  out->Ints(a.summary);
  out->Ints(a.ranking);
  out->Ints(a.key_points);
  out->U64(a.quotes.size());
  for (const Quote& q : a.quotes) {
    out->Str(q.speaker);
    out->Str(q.text);
    out->I64(q.sentence);
  }
  out->U64(w.ents.entities.size());
  for (const Entity& e : w.ents.entities) {
    out->Str(e.name);
    out->Str(e.kind);
    out->I64(e.count);
    out->Strs(e.variants);
    out->Ints(e.sentences);
  }
  for (const auto* list : {&w.terms->phrases, &w.terms->terms}) {
    out->U64(list->size());
    for (const auto& [text, count] : *list) {
      out->Str(text);
      out->I64(count);
    }
  }
}

bool GetWork(core::ByteReader* in, Work* w) {
  ArticleAnalysis& a = w->a;
  a.id = in->Str();
  size_t n = in->Count();
  a.sentences.resize(n);
  for (size_t i = 0; i < n && in->ok(); ++i) {
    a.sentences[i].text = in->Str();
    a.sentences[i].paragraph = in->Int();
  }
  a.summary = in->Ints();
  a.ranking = in->Ints();
  a.key_points = in->Ints();
  n = in->Count();
  a.quotes.resize(n);
  for (size_t i = 0; i < n && in->ok(); ++i) {
    a.quotes[i].speaker = in->Str();
    a.quotes[i].text = in->Str();
    a.quotes[i].sentence = in->Int();
  }
  n = in->Count();
  w->ents.entities.resize(n);
  for (size_t i = 0; i < n && in->ok(); ++i) {
    Entity& e = w->ents.entities[i];
    e.name = in->Str();
    e.kind = in->Str();
    e.count = in->Int();
    e.variants = in->Strs();
    e.sentences = in->Ints();
  }
  auto terms = std::make_shared<TermCounts>();
  for (auto* list : {&terms->phrases, &terms->terms}) {
    n = in->Count();
    list->resize(n);
    for (size_t i = 0; i < n && in->ok(); ++i) {
      (*list)[i].first = in->Str();
      (*list)[i].second = in->Int();
    }
  }
  w->terms = std::move(terms);
  // Indices must point into the document's own sentences.
  auto valid = [&](int x) { return x >= 0 && static_cast<size_t>(x) < a.sentences.size(); };
  for (const auto* v : {&a.summary, &a.ranking, &a.key_points})
    if (!std::all_of(v->begin(), v->end(), valid)) in->Fail();
  for (const Quote& q : a.quotes)
    if (!valid(q.sentence)) in->Fail();
  for (const Entity& e : w->ents.entities)
    if (!std::all_of(e.sentences.begin(), e.sentences.end(), valid)) in->Fail();
  return in->ok();
}

}  // namespace

void AnalysisCache::Export(core::ByteWriter* out) const {
  if (impl_->export_only) {
    if (impl_->exported.empty()) {  // no Analyse call since Import
      out->Str(impl_->options_key);
      out->U64(0);
    } else {
      out->bytes() += impl_->exported;
    }
    return;
  }
  out->Str(impl_->options_key);
  std::vector<const std::pair<const std::string, std::shared_ptr<Work>>*> sorted;
  for (const auto& e : impl_->entries) sorted.push_back(&e);
  std::sort(sorted.begin(), sorted.end(), [](const auto* x, const auto* y) { return x->first < y->first; });
  out->U64(sorted.size());
  for (const auto* e : sorted) {
    out->Str(e->first);
    PutWork(*e->second, out);
  }
}

void AnalysisCache::SetExportOnly(bool on) { impl_->export_only = on; }

void AnalysisCache::Clear() {
  bool export_only = impl_->export_only;
  auto sink = std::move(impl_->export_sink);
  *impl_ = Impl();
  impl_->export_only = export_only;
  impl_->export_sink = std::move(sink);
}

void AnalysisCache::SetExportSink(std::function<void(std::string&&)> sink) { impl_->export_sink = std::move(sink); }

bool AnalysisCache::Import(core::ByteReader* in) {
  Impl fresh;
  fresh.export_only = impl_->export_only;
  fresh.export_sink = impl_->export_sink;
  fresh.options_key = in->Str();
  size_t n = in->Count();
  for (size_t i = 0; i < n && in->ok(); ++i) {
    std::string key = in->Str();
    auto w = std::make_shared<Work>();
    if (!GetWork(in, w.get())) break;
    fresh.entries[std::move(key)] = std::move(w);
  }
  if (!in->ok()) {
    Clear();
    return false;
  }
  *impl_ = std::move(fresh);
  return true;
}

namespace {

// What PickKeyphrases reads of a document's entities: kinds and variants.
uint64_t EntitiesFingerprint(const std::vector<Entity>& entities) {
  core::Fingerprint f;
  f.Add(static_cast<uint64_t>(entities.size()));
  for (const Entity& e : entities) {
    f.Add(e.kind).Add(static_cast<uint64_t>(e.variants.size()));
    for (const std::string& v : e.variants) f.Add(v);
  }
  return f.value();
}

bool AnyPhraseIn(const TermCounts& tc, const std::unordered_set<std::string>& set) {
  if (set.empty()) return false;
  for (const auto& [p, count] : tc.phrases)
    if (set.count(p)) return true;
  return false;
}

// In memory: the entries become the documents of this call (`work` as
// AnalyseOne left it), and the phrase document frequencies are updated by
// difference: add the documents that came, take away those that went (the
// same counts as counting every document again).
void UpdateEntries(AnalysisCache::Impl& c, const std::vector<std::string>& keys, const std::vector<Work>& work) {
  const int n = static_cast<int>(keys.size());
  std::unordered_map<std::string, std::shared_ptr<Work>> next;
  for (int k = 0; k < n; ++k) {
    auto it = c.entries.find(keys[k]);
    next[keys[k]] = it != c.entries.end() ? it->second : std::make_shared<Work>(work[k]);
  }
  std::unordered_map<std::string, int> now;
  for (int k = 0; k < n; ++k) now[keys[k]]++;
  // Keyphrases can be reused only against counts updated by difference;
  // counted afresh, there is nothing to reuse and no change to track.
  const bool track = c.df_valid;
  if (!c.df_valid) {
    c.phrase_df.clear();
    c.df_keys.clear();
    c.keyphrases.clear();
  }
  // Each phrase touched, with its document frequency before (a document
  // replaced by its edited version takes most of its phrases away and
  // back: only a net change counts).
  std::unordered_map<std::string, int> before;
  auto apply = [&](const Work& w, int times) {
    for (const auto& [p, count] : w.terms->phrases) {
      int& df = c.phrase_df[p];
      if (track) before.emplace(p, df);
      df += times;
      if (df == 0) c.phrase_df.erase(p);
    }
  };
  for (const auto& [key, times] : c.df_keys) {
    auto it = now.find(key);
    int d = (it == now.end() ? 0 : it->second) - times;
    if (d < 0) apply(*c.entries.at(key), d);  // still in the old entries
  }
  for (const auto& [key, times] : now) {
    auto it = c.df_keys.find(key);
    int d = times - (it == c.df_keys.end() ? 0 : it->second);
    if (d > 0) apply(*next.at(key), d);
  }
  c.df_changed.clear();
  for (const auto& [p, df] : before) {
    auto it = c.phrase_df.find(p);
    if ((it == c.phrase_df.end() ? 0 : it->second) != df) c.df_changed.insert(p);
  }
  c.df_keys = std::move(now);
  c.df_valid = true;
  c.entries = std::move(next);  // documents that are gone leave the cache
}

}  // namespace

std::vector<ArticleAnalysis> Analyse(const std::vector<Document>& docs, const AnalyseOptions& options,
                                     core::Diagnostics* diagnostics, AnalysisCache* cache) {
#ifdef DOSSIER_ANALYSE_TIMING
  auto t0 = std::clock();
#endif
  const int n = static_cast<int>(docs.size());
  // Id order (ties: identical content first by title, then input position).
  std::vector<int> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int x, int y) { return docs[x].id < docs[y].id; });
  for (int k = 1; k < n; ++k) {
    if (docs[order[k]].id == docs[order[k - 1]].id && diagnostics != nullptr) {
      diagnostics->Warn(core::SourceLocation{docs[order[k]].id, 0, 0},
                        "duplicate document id; related links to it are ambiguous");
    }
  }
  std::vector<Work> work(n);
  std::vector<std::string> keys;  // with a cache: each document's key
  if (cache == nullptr) {
    ParallelFor(n, options.threads, [&](int k) { AnalyseOne(docs[order[k]], options, &work[k]); });
  } else {
    AnalysisCache::Impl& c = *cache->impl_;
    if (c.options_key != OptionsKey(options)) {
      c.entries.clear();
      c.df_valid = false;
      c.keyphrases.clear();
      c.options_key = OptionsKey(options);
    }
    keys.resize(n);
    ParallelFor(n, options.threads, [&](int k) { keys[k] = CacheKey(docs[order[k]]); });
    std::vector<int> todo;
    for (int k = 0; k < n; ++k) {
      auto it = c.entries.find(keys[k]);
      if (it == c.entries.end()) {
        todo.push_back(k);
      } else if (c.export_only) {  // handed over (a second use of the key is a miss)
        work[k] = std::move(*it->second);
        c.entries.erase(it);
      } else {
        work[k] = *it->second;
      }
    }
    ParallelFor(static_cast<int>(todo.size()), options.threads,
                [&](int t) { AnalyseOne(docs[order[todo[t]]], options, &work[todo[t]]); });
    c.hits = n - todo.size();
    c.misses = todo.size();
    if (c.export_only) {
      // The per-document results, written out before the corpus-wide steps
      // change them; nothing else is kept.
      core::ByteWriter w;
      w.Str(c.options_key);
      std::vector<int> unique;
      std::unordered_set<std::string_view> seen;
      for (int k = 0; k < n; ++k)
        if (seen.insert(keys[k]).second) unique.push_back(k);
      w.U64(unique.size());
      for (int k : unique) {
        w.Str(keys[k]);
        PutWork(work[k], &w);
      }
      if (c.export_sink) {
        c.export_sink(std::move(w.bytes()));
      } else {
        c.exported = std::move(w.bytes());
      }
      c.entries.clear();
      c.df_valid = false;
    } else {
      UpdateEntries(c, keys, work);
    }
  }
  STAGE("per-document");
  if (diagnostics != nullptr) {
    for (int k = 0; k < n; ++k) {
      if (work[k].a.sentences.empty()) {
        diagnostics->Warn(core::SourceLocation{docs[order[k]].id, 0, 0}, "document has no body text to analyse");
      }
    }
  }
  // Corpus-wide: people's spelling variants, then quote speakers follow.
  std::vector<std::vector<Entity>*> per_doc;
  for (Work& w : work) per_doc.push_back(&w.a.entities);
  // `work` is this call's own (a cache keeps copies), so its parts can move.
  for (Work& w : work) w.a.entities = std::move(w.ents.entities);
  std::map<std::string, std::string> rename = MergeAcrossCorpus(per_doc);
  for (Work& w : work) {
    for (Quote& q : w.a.quotes) {
      auto it = rename.find(q.speaker);
      if (it != rename.end()) q.speaker = it->second;
    }
    std::sort(w.a.entities.begin(), w.a.entities.end(), [](const Entity& x, const Entity& y) {
      if (x.count != y.count) return x.count > y.count;
      if (x.name != y.name) return x.name < y.name;
      return x.kind < y.kind;
    });
  }
  STAGE("corpus merge");
  // Keyphrases against corpus document frequencies.
  std::unordered_map<std::string, int> own_df;  // freed after the keyphrases
  const bool own = cache == nullptr || cache->impl_->export_only;
  if (own) {
    size_t phrases = 0;
    for (const Work& w : work) phrases += w.terms->phrases.size();
    own_df.reserve(phrases / 2 + 16);
    for (const Work& w : work) {
      for (const auto& [p, c] : w.terms->phrases) own_df[p]++;
    }
  }
  const std::unordered_map<std::string, int>& phrase_df = own ? own_df : cache->impl_->phrase_df;
  // In memory (serve), a document whose inputs to PickKeyphrases did not
  // change keeps its keyphrases (AnalysisCache::Impl::KeyphraseMemo).
  AnalysisCache::Impl* memo = own ? nullptr : cache->impl_.get();
  const int kp_max = std::max(0, options.keyphrases_max);
  std::vector<uint64_t> fingerprint(memo != nullptr ? n : 0);
  ParallelFor(n, options.threads, [&](int k) {
    if (memo != nullptr) {
      fingerprint[k] = EntitiesFingerprint(work[k].a.entities);
      auto it = memo->keyphrases.find(keys[k]);
      if (it != memo->keyphrases.end() && it->second.n == n && it->second.max == kp_max &&
          it->second.entities == fingerprint[k] &&
          !AnyPhraseIn(*work[k].terms, memo->df_changed)) {
        work[k].a.keyphrases = it->second.keyphrases;
        return;
      }
    }
    work[k].a.keyphrases = PickKeyphrases(*work[k].terms, phrase_df, n, kp_max, work[k].a.entities);
  });
  if (memo != nullptr) {
    std::unordered_map<std::string, AnalysisCache::Impl::KeyphraseMemo> next;
    next.reserve(static_cast<size_t>(n));
    for (int k = 0; k < n; ++k) next[keys[k]] = {n, kp_max, fingerprint[k], work[k].a.keyphrases};
    memo->keyphrases = std::move(next);
  }
  std::unordered_map<std::string, int>().swap(own_df);
  STAGE("keyphrases");
  // Related articles.
  std::vector<RelatedInput> rin(n);
  for (int k = 0; k < n; ++k) {
    rin[k].terms = std::move(work[k].terms);
    rin[k].entities = &work[k].a.entities;
    rin[k].keyphrases = &work[k].a.keyphrases;
    rin[k].id = &work[k].a.id;
  }
  std::vector<std::vector<Related>> rel =
      FindRelated(std::move(rin), options.related_max, options.related_min_score, options.threads);
  STAGE("related");
  std::vector<ArticleAnalysis> out(n);
  for (int k = 0; k < n; ++k) {
    work[k].a.related = std::move(rel[k]);
    out[order[k]] = std::move(work[k].a);
  }
  return out;
}

}  // namespace dossier::analyse
