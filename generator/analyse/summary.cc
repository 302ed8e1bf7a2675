// Extractive summary and key points.
//
// Centrality: TextRank (weighted PageRank, d = 0.85) over the cosine
// similarity of the sentences' term-count vectors (lower-cased alphanumeric
// tokens, NLTK English stop words removed, no stemming). The score is then
// nudged by what earns a sentence its place: overlap with the headline and an
// early position (small weights: the centrality carries the ranking).
// Selection takes the best sentences, skipping near-duplicates of ones
// already taken, and returns them in article order.
#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "analyse/analyse_internal.h"

namespace dossier::analyse::internal {

namespace {

double Dot(const SparseVec& a, const SparseVec& b) {
  double s = 0;
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i].first == b[j].first) {
      s += a[i].second * b[j].second;
      ++i;
      ++j;
    } else if (a[i].first < b[j].first) {
      ++i;
    } else {
      ++j;
    }
  }
  return s;
}

// Weighted PageRank over a symmetric sparse graph.
std::vector<double> PageRank(const std::vector<std::vector<std::pair<int, double>>>& adj) {
  const int n = static_cast<int>(adj.size());
  std::vector<double> out_sum(n, 0.0);
  for (int i = 0; i < n; ++i) {
    for (auto& [j, w] : adj[i]) out_sum[i] += w;
  }
  std::vector<double> score(n, 1.0 / n), next(n);
  const double d = 0.85;
  for (int iter = 0; iter < 200; ++iter) {
    double dangling = 0;
    for (int i = 0; i < n; ++i) {
      if (out_sum[i] == 0) dangling += score[i];
    }
    std::fill(next.begin(), next.end(), 0.0);
    for (int i = 0; i < n; ++i) {
      if (out_sum[i] == 0) continue;
      double share = score[i] / out_sum[i];
      for (auto& [j, w] : adj[i]) next[j] += share * w;
    }
    double delta = 0;
    for (int j = 0; j < n; ++j) {
      double v = (1 - d) / n + d * (next[j] + dangling / n);
      delta += std::fabs(v - score[j]);
      score[j] = v;
    }
    if (delta < 1e-8) break;
  }
  return score;
}

}  // namespace

std::vector<SparseVec> SentenceVectors(const std::vector<std::string>& sentences) {
  const Gazetteer& g = Lists();
  std::unordered_map<std::string, int> vocab;
  std::vector<SparseVec> vecs;
  vecs.reserve(sentences.size());
  for (const std::string& s : sentences) {
    std::map<int, double> counts;
    for (const std::string& t : AlnumTokens(s)) {
      if (g.nltk_stop.count(t)) continue;
      auto it = vocab.emplace(t, static_cast<int>(vocab.size())).first;
      counts[it->second] += 1;
    }
    double norm = 0;
    for (auto& [k, v] : counts) norm += v * v;
    norm = std::sqrt(norm);
    SparseVec v;
    if (norm > 0) {
      for (auto& [k, c] : counts) v.emplace_back(k, c / norm);
    }
    vecs.push_back(std::move(v));
  }
  return vecs;
}

SummaryTuning& Tuning() {
  static SummaryTuning t;
  return t;
}

std::vector<double> RankSentences(const std::vector<std::string>& sentences, const std::string& title,
                                  const std::vector<SparseVec>& vecs) {
  const int n = static_cast<int>(sentences.size());
  if (n == 0) return {};
  std::vector<double> score;
  if (n <= 1500) {
    std::vector<std::vector<std::pair<int, double>>> adj(n);
    for (int i = 0; i < n; ++i) {
      for (int j = i + 1; j < n; ++j) {
        double c = Dot(vecs[i], vecs[j]);
        if (c > 0) {
          adj[i].emplace_back(j, c);
          adj[j].emplace_back(i, c);
        }
      }
    }
    for (auto& row : adj) std::sort(row.begin(), row.end());
    score = PageRank(adj);
  } else {
    // Very long documents: similarity to the document centroid (linear time).
    std::map<int, double> centroid;
    for (const SparseVec& v : vecs) {
      for (auto& [k, w] : v) centroid[k] += w;
    }
    // Term ids are dense, so the centroid is looked up, not merged with
    // each sentence (a merge walks the whole vocabulary every time); the
    // products are added in the same order, so the sums are Dot's.
    std::vector<double> c(centroid.empty() ? 0 : static_cast<size_t>(centroid.rbegin()->first) + 1, 0.0);
    for (auto& [k, w] : centroid) c[k] = w;
    score.resize(n);
    for (int i = 0; i < n; ++i) {
      double dot = 0;
      for (auto& [k, w] : vecs[i]) dot += w * c[k];
      score[i] = dot / n;
    }
  }
  // Headline overlap and position.
  const SummaryTuning& tu = Tuning();
  if (tu.title_weight != 0 || tu.position_weight != 0) {
    // One vocabulary for the sentences and the headline.
    std::vector<std::string> all = sentences;
    all.push_back(title);
    std::vector<SparseVec> joint = SentenceVectors(all);
    const SparseVec& tvec = joint.back();
    double mean = 1.0 / n;
    for (int i = 0; i < n; ++i) {
      double overlap = Dot(joint[i], tvec);
      double pos = 1.0 / (1.0 + i);
      score[i] += mean * (tu.title_weight * overlap + tu.position_weight * pos);
    }
  }
  return score;
}

std::vector<int> PickSummary(const std::vector<SparseVec>& vecs, const std::vector<double>& scores, int k,
                             std::vector<int>* ranking) {
  const int n = static_cast<int>(scores.size());
  std::vector<int> order(n);
  for (int i = 0; i < n; ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    if (scores[a] != scores[b]) return scores[a] > scores[b];
    return a < b;
  });
  k = std::clamp(k, 0, n);
  std::vector<int> picked;
  std::vector<int> skipped;
  const double dup = Tuning().redundancy;
  // Redundancy: the cosine of a candidate with every picked sentence that
  // shares a term with it, from the picked sentences' terms (term -> (pick,
  // weight)), not by comparing it with every picked sentence: a long report
  // picks thousands. Each cosine adds the same products in the same order
  // (ascending term id) as Dot, so it is Dot's value.
  std::vector<std::vector<std::pair<int, double>>> picked_with;  // term id -> (pick number, weight)
  std::vector<double> acc;                                       // pick number -> cosine so far
  std::vector<int> touched;
  for (int i : order) {
    if (static_cast<int>(picked.size()) >= k) break;
    bool redundant = false;
    if (dup < 1.0) {
      for (auto& [t, w] : vecs[i]) {
        if (t >= static_cast<int>(picked_with.size())) continue;
        for (auto& [q, pw] : picked_with[t]) {
          if (acc[q] == 0) touched.push_back(q);
          acc[q] += w * pw;
        }
      }
      for (int q : touched) {
        if (acc[q] > dup) redundant = true;
        acc[q] = 0;
      }
      touched.clear();
      if (dup < 0 && !picked.empty()) redundant = true;  // a cosine of 0 (nothing shared) exceeds it too
    }
    if (redundant) {
      skipped.push_back(i);
    } else {
      const int q = static_cast<int>(picked.size());
      picked.push_back(i);
      acc.push_back(0);
      for (auto& [t, w] : vecs[i]) {
        if (t >= static_cast<int>(picked_with.size())) picked_with.resize(t + 1);
        picked_with[t].emplace_back(q, w);
      }
    }
  }
  for (int i : skipped) {
    if (static_cast<int>(picked.size()) >= k) break;
    picked.push_back(i);
  }
  if (ranking != nullptr) {
    // Ranking: the picked ones first (pick order), then the rest by score.
    std::vector<char> in(n, 0);
    ranking->clear();
    for (int i : picked) {
      ranking->push_back(i);
      in[i] = 1;
    }
    for (int i : order) {
      if (!in[i]) ranking->push_back(i);
    }
  }
  std::sort(picked.begin(), picked.end());
  return picked;
}

namespace {

bool HasNumber(const std::string& s) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] >= '0' && s[i] <= '9') return true;
  }
  return s.find("\xC2\xA3") != std::string::npos || s.find('$') != std::string::npos ||
         s.find("\xE2\x82\xAC") != std::string::npos || s.find('%') != std::string::npos;
}

int CueCount(const std::string& s) {
  static const std::unordered_set<std::string> kCues = {"announced", "agreed",  "approved", "decided", "will",    "plans",   "rejected",
                                "ruled",     "voted",   "signed",   "launched", "cut",     "raised",  "warned",
                                "confirmed", "ordered", "banned",   "won",     "lost",    "beat",    "deal",
                                "rose",      "fell",    "january",  "february", "march",   "april",   "june",
                                "july",      "august",  "september", "october", "november", "december", "monday",
                                "tuesday",   "wednesday", "thursday", "friday",  "saturday", "sunday", "year"};
  int n = 0;
  for (const std::string& t : AlnumTokens(s)) n += static_cast<int>(kCues.count(t));
  return n;
}

int Capitals(const std::vector<Word>& ws) {
  int n = 0;
  for (size_t i = 1; i < ws.size(); ++i) {
    if (ws[i].upper) ++n;
  }
  return n;
}

}  // namespace

std::vector<int> PickKeyPoints(const std::vector<std::string>& sentences, const std::vector<std::vector<Word>>& words,
                               const std::vector<SparseVec>& vecs, const std::vector<double>& scores, int min_points,
                               int max_points) {
  const int n = static_cast<int>(sentences.size());
  if (n == 0 || max_points <= 0) return {};
  min_points = std::max(0, std::min(min_points, max_points));
  int want = std::clamp((n + 3) / 4, min_points, max_points);
  want = std::min(want, n);
  double max_score = *std::max_element(scores.begin(), scores.end());
  std::vector<double> v(n);
  for (int i = 0; i < n; ++i) {
    double c = max_score > 0 ? scores[i] / max_score : 0;
    double f = (HasNumber(sentences[i]) ? 0.3 : 0) + 0.1 * std::min(3, CueCount(sentences[i])) +
               0.08 * std::min(4, Capitals(words[i]));
    // Very short or very long sentences make poor bullets.
    size_t nw = words[i].size();
    if (nw < 6) f -= 0.5;
    if (nw > 60) f -= 0.3;
    v[i] = c + f;
  }
  std::vector<int> ranking;
  std::vector<int> picked = PickSummary(vecs, v, want, &ranking);
  return picked;
}

}  // namespace dossier::analyse::internal
