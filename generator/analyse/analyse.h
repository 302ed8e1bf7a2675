// analyse: the text analysis stage. Sentences, tokens, extractive summary,
// key points, keyphrases, entities, quotes and related articles.
// Pure: no I/O, deterministic (independent of input order and thread count),
// never fails; problems become diagnostics. English only for now.
// Returned data owns all its strings.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/core.h"

namespace dossier::analyse {

// What the analysis needs of an article (pipeline adapts ingest::Article).
struct Document {
  std::string id;                       // stable, unique
  std::string title;
  std::vector<std::string> paragraphs;  // body only, no headline
};

struct AnalyseOptions {
  // Summary length: `summary_sentences` when > 0, else ceil(ratio * n) with
  // n = number of body sentences. Default: ratio 0.4.
  double summary_ratio = 0.4;
  int summary_sentences = 0;
  int key_points_min = 3;      // 3..5 bullets when the article has enough sentences
  int key_points_max = 5;
  int keyphrases_max = 10;
  int related_max = 5;         // up to N related articles
  double related_min_score = 0.0;  // drop links scoring below this (0..1)
  int threads = 0;             // 0 = hardware concurrency; output never depends on it
};

struct Sentence {
  std::string text;
  int paragraph = 0;  // index into Document::paragraphs
};

struct Entity {
  std::string name;                   // canonical
  std::string kind;                   // "person", "organisation", "place", "other"
  int count = 0;                      // mentions
  std::vector<std::string> variants;  // surface forms seen, sorted, incl. name
  std::vector<int> sentences;         // sentence indices mentioning it, ascending
};

struct Quote {
  std::string speaker;  // canonical entity name, or "" when unattributed
  std::string text;     // the quoted words, without quote marks
  int sentence = 0;
};

struct Keyphrase {
  std::string text;
  double weight = 0;
};

struct Related {
  std::string id;
  double score = 0;                 // 0..1, rounded to 4 decimals
  std::vector<std::string> shared;  // shared entities then keyphrases, best first
};

struct ArticleAnalysis {
  std::string id;
  std::vector<Sentence> sentences;    // body sentences in article order
  std::vector<int> summary;           // sentence indices, ascending (article order)
  std::vector<int> ranking;           // all sentence indices, best first
  std::vector<int> key_points;        // sentence indices, ascending
  std::vector<Keyphrase> keyphrases;  // best first
  std::vector<Entity> entities;       // by count desc, then name
  std::vector<Quote> quotes;          // article order
  std::vector<Related> related;       // best first, ties by id
};

// Keeps the per-document part of the analysis (sentences, ranking, key
// points, entities, quotes, term counts) between calls, keyed by the
// document's id and text, so a rebuild re-analyses only changed documents;
// the corpus-wide steps (merging, keyphrase weights, related) always run.
// The output is identical with or without a cache. Thread-compatible: one
// Analyse() at a time per cache.
class AnalysisCache {
 public:
  AnalysisCache();
  ~AnalysisCache();
  AnalysisCache(const AnalysisCache&) = delete;
  AnalysisCache& operator=(const AnalysisCache&) = delete;
  size_t hits() const;    // documents served from the cache by the last call
  size_t misses() const;  // documents analysed by the last call
  size_t size() const;    // documents held
  // The entries (the documents of the last Analyse call) in a compact
  // form, for a caller that keeps them on disk. Import() replaces the
  // entries with exported ones; on damaged bytes it returns false and
  // leaves the cache empty. Entries exported with other options are
  // dropped by the next Analyse call, as in memory.
  void Export(core::ByteWriter* out) const;
  bool Import(core::ByteReader* in);
  // For a caller that imports the cache, runs one Analyse and exports it
  // (`dossier build` with the cache on disk): entries are handed to the
  // analysis instead of copied, and the documents of the call are kept only
  // in exported form, so the cache costs no second copy of the analysis.
  void SetExportOnly(bool on);
  // With export-only on: the next Analyse call hands its exported bytes
  // (what Export() would write) to `sink` as soon as the per-document
  // results are known, before the corpus-wide steps, instead of keeping
  // them; the caller can write them out while the analysis goes on, and
  // free them. Export() then writes no entries. An empty function unsets it.
  void SetExportSink(std::function<void(std::string&&)> sink);
  void Clear();  // drops every entry (keeps SetExportOnly and the sink)
  struct Impl;

 private:
  friend std::vector<struct ArticleAnalysis> Analyse(const std::vector<Document>&, const AnalyseOptions&,
                                                     core::Diagnostics*, AnalysisCache*);
  std::unique_ptr<Impl> impl_;
};

// Analyses every document; the result is in the order of `docs`.
std::vector<ArticleAnalysis> Analyse(const std::vector<Document>& docs, const AnalyseOptions& options,
                                     core::Diagnostics* diagnostics, AnalysisCache* cache = nullptr);

// Lower-level entry points (also used by tests and incremental rebuilds).
std::vector<std::string> SplitSentences(const std::string& paragraph);

}  // namespace dossier::analyse
