// Private to generator/analyse: the building blocks behind Analyse().
// Everything here is pure and deterministic.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "analyse/analyse.h"

namespace dossier::analyse::internal {

// ---- Text helpers (text.cc) -------------------------------------------------

// Decodes one UTF-8 code point at s[i]; sets *len (>= 1). Invalid bytes decode
// as U+FFFD with length 1, so the caller always advances.
char32_t DecodeAt(std::string_view s, size_t i, size_t* len);
bool IsSpaceCp(char32_t c);     // ASCII whitespace, NBSP and the Unicode spaces
bool IsUpperCp(char32_t c);     // A-Z and the Latin-1 / Latin Extended capitals
bool IsLowerCp(char32_t c);
bool IsLetterCp(char32_t c);    // letters of any script (approximate, never punctuation)
bool IsDigitCp(char32_t c);
// Collapses whitespace runs (incl. NBSP) to one space and trims.
std::string Collapse(std::string_view s);
// rouge_score-style tokens: lower-case, every run outside [a-z0-9] separates.
std::vector<std::string> AlnumTokens(std::string_view s);
// Light English stemmer (plural/verb suffixes) for matching and term vectors.
std::string Stem(const std::string& w);

// ---- Word tokens with case, for entities and quotes (text.cc) ---------------

struct Word {
  std::string text;   // surface form (possessive 's stripped)
  size_t begin = 0;   // byte offsets into the sentence
  size_t end = 0;
  bool upper = false;     // starts with a capital letter
  bool all_caps = false;  // >= 2 letters, no lower-case letter (THAAD, S-400, U.S.)
  bool has_digit = false;
  bool possessive = false;
};
// Words: letter/digit runs with inner hyphens, apostrophes and acronym dots.
std::vector<Word> Words(std::string_view sentence);

// ---- Built-in word lists (data.cc) ------------------------------------------

struct Gazetteer {
  std::unordered_set<std::string> stop;         // lower-case stop words
  std::unordered_set<std::string> nltk_stop;    // the 179-word NLTK list (summary graph)
  std::unordered_set<std::string> titles;       // "Mr", "President", "Foreign Minister" ...
  std::unordered_set<std::string> first_names;  // common given names
  std::unordered_set<std::string> family_first;  // family name first (Chinese, Korean, Vietnamese)
  std::unordered_set<std::string> demonyms;     // "Chinese", "Russian" ...
  std::unordered_set<std::string> org_words;    // "Ministry", "Institute", "plc" ...
  std::unordered_set<std::string> place_words;  // "Sea", "Peninsula", "Street" ...
  std::unordered_set<std::string> other_words;  // "Treaty", "Cup", "Awards" ...
  std::unordered_set<std::string> speech_verbs; // "said", "told" ...
  std::unordered_set<std::string> common_caps;  // capitalised words that are no names ("Monday", "The")
  // surface form -> (canonical, kind) for places and organisations (incl. aliases).
  std::unordered_map<std::string, std::pair<std::string, std::string>> known;
};
const Gazetteer& Lists();

// ---- Sentences (sentences.cc) -----------------------------------------------
// SplitSentences is public (analyse.h).

// ---- Summary (summary.cc) ---------------------------------------------------

// Small weights added to the centrality (tests and the dev driver may tune).
struct SummaryTuning {
  double title_weight = 0.0;
  double position_weight = 0.0;
  double redundancy = 0.95;  // skip a sentence whose cosine with a picked one exceeds this
};
SummaryTuning& Tuning();

// Sentence scores: TextRank over cosine similarity of term-count vectors,
// adjusted by position and title overlap. Higher is better.
using SparseVec = std::vector<std::pair<int, double>>;  // term id -> weight, sorted by id
// Unit-length term-count vectors (NLTK stop words removed), one vocabulary.
std::vector<SparseVec> SentenceVectors(const std::vector<std::string>& sentences);
std::vector<double> RankSentences(const std::vector<std::string>& sentences, const std::string& title,
                                  const std::vector<SparseVec>& vecs);
// Picks k sentences by score with light redundancy control; ascending indices.
std::vector<int> PickSummary(const std::vector<SparseVec>& vecs, const std::vector<double>& scores, int k,
                             std::vector<int>* ranking);
std::vector<int> PickKeyPoints(const std::vector<std::string>& sentences, const std::vector<std::vector<Word>>& words,
                               const std::vector<SparseVec>& vecs, const std::vector<double>& scores, int min_points,
                               int max_points);

// ---- Entities and quotes (entities.cc, quotes.cc) ---------------------------

struct Mention {
  std::string surface;  // as written (title stripped)
  int sentence = 0;
  size_t begin = 0, end = 0;  // byte offsets in the sentence text
  int entity = -1;            // index into the document's entity list
};

struct DocEntities {
  std::vector<Entity> entities;   // canonical per document (before corpus merge)
  std::vector<Mention> mentions;  // in text order
  // Lower-case surface -> entity index (for quotes' speakers).
  std::unordered_map<std::string, int> lookup;
};
DocEntities ExtractEntities(const std::vector<std::string>& sentences, const std::vector<std::vector<Word>>& words);
// Corpus-wide merge of spelling variants of people ("Sergey"/"Sergei Lavrov").
// Rewrites canonical names in place; deterministic whatever the order.
// Returns old name -> new name for people that were renamed.
std::map<std::string, std::string> MergeAcrossCorpus(std::vector<std::vector<Entity>*>& per_doc);

std::vector<Quote> ExtractQuotes(const std::vector<Sentence>& sentences, const DocEntities& ents);

// ---- Keyphrases and related (keyphrases.cc, related.cc) ---------------------

struct TermCounts {
  std::vector<std::pair<std::string, int>> phrases;  // candidate phrases, sorted by text
  std::vector<std::pair<std::string, int>> terms;    // stemmed content terms, sorted
};
TermCounts CountTerms(const std::string& title, const std::vector<std::string>& sentences,
                      const std::vector<std::vector<Word>>& words);

std::vector<Keyphrase> PickKeyphrases(const TermCounts& tc, const std::unordered_map<std::string, int>& phrase_df,
                                      int n_docs, int max, const std::vector<Entity>& entities);

struct RelatedInput {
  // Released by FindRelated once its features are read (the last owner
  // frees the counts: in a build without an in-memory cache, that is here).
  std::shared_ptr<const TermCounts> terms;
  const std::vector<Entity>* entities = nullptr;
  const std::vector<Keyphrase>* keyphrases = nullptr;
  const std::string* id = nullptr;
};
struct RelatedTuning {
  double entity_weight = 0.5;  // canonical entities, relative to a term
  double phrase_weight = 0.5;  // recurring multi-word phrases
  double idf_power = 0.3;      // idf^p: < 1 lets topical common words count
  double max_df_ratio = 0.5;   // features in more documents than this are not indexed
  double smooth = 1.5;         // weight of the neighbours' mean vector (query expansion)
  int smooth_k = 20;           // neighbours averaged into the query
  int first_query_max = 1000; // strongest features of a plain query
  int query_max = 250;         // strongest features kept in an expanded query
  int max_postings = 250;     // strongest postings kept per feature (0 = all)
  int pool = 40;               // candidates re-ranked after the expanded query
  double hub_penalty = 0.5;    // CSLS-style: minus this x the candidate's mean neighbour similarity
  double snn = 0.0;            // shared-nearest-neighbour boost
  double min_cosine = 0.05;    // below this plain cosine nothing is shared enough: no link
  bool smooth_idf = true;      // log((1+n)/(1+df)) + 1 instead of log(n/df)
};
RelatedTuning& RTuning();

// Related lists for every document (same order as `docs`).
std::vector<std::vector<Related>> FindRelated(std::vector<RelatedInput> docs, int related_max, double min_score,
                                              int threads);

// Runs fn(i) for i in [0, n) on up to `threads` threads.
void ParallelFor(int n, int threads, const std::function<void(int)>& fn);
// The `keep` strongest entries of `v` (weight desc, ties by smaller id), in
// id order; `v` sorted by id, ids distinct, weights finite and >= 0.
// `scratch` is working memory (related.cc).
void KeepStrongest(std::vector<std::pair<int, double>>* v, int keep, std::vector<uint64_t>* scratch);
// The same on v[0, size), in place; returns how many are kept.
size_t KeepStrongest(std::pair<int, double>* v, size_t size, int keep, std::vector<uint64_t>* scratch);

}  // namespace dossier::analyse::internal
