// Related articles: every document becomes a sparse, unit-length TF-IDF
// vector of stemmed content terms, canonical entities and recurring phrases;
// candidates come from an inverted index (no dense all-pairs), scored by
// cosine; ties break by id. Links that share nothing are never made.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <functional>
#include <iterator>
#include <string_view>

#include "analyse/analyse_internal.h"

namespace dossier::analyse::internal {

void ParallelFor(int n, int threads, const std::function<void(int)>& fn) {
  core::ParallelFor(static_cast<size_t>(std::max(0, n)), threads, [&](size_t i) { fn(static_cast<int>(i)); });
}

namespace {

std::string Lower(std::string_view s) {
  std::string o(s);
  for (char& c : o) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return o;
}

// FNV-1a, 64 bits, of a kind tag and the text.
uint64_t Fnv(char kind, const std::string& text) {
  uint64_t h = 1469598103934665603ULL;
  auto mix = [&](unsigned char c) {
    h ^= c;
    h *= 1099511628211ULL;
  };
  mix(static_cast<unsigned char>(kind));
  mix(0);
  for (char c : text) mix(static_cast<unsigned char>(c));
  return h;
}

}  // namespace

// Keeps the `keep` strongest entries of `v` (by weight; among equal weights
// the smaller ids), in id order. `v` is sorted by id, ids distinct, weights
// finite and >= 0. The same entries as nth_element on (weight desc, id asc)
// and a sort by id. The keep-th largest weight is found by radix selection
// on the weights' bits (for doubles >= 0 their order as integers), a byte
// at a time, keeping only the entries in the byte's bucket: no
// data-dependent branches, where comparison-based selection mispredicts
// every other comparison. The kept entries then come out of one pass in id
// order.
size_t KeepStrongest(std::pair<int, double>* v, size_t size, int keep, std::vector<uint64_t>* scratch) {
  if (keep < 1 || size <= static_cast<size_t>(keep)) return size;
  std::vector<uint64_t>& bits = *scratch;
  bits.clear();
  for (size_t i = 0; i < size; ++i) bits.push_back(std::bit_cast<uint64_t>(v[i].second + 0.0));  // -0 -> +0
  size_t k = static_cast<size_t>(keep);  // rank, from the top, of the wanted weight among `bits`
  for (int shift = 56;; shift -= 8) {
    if (bits.size() <= 32 || shift < 0) {
      std::nth_element(bits.begin(), bits.begin() + static_cast<std::ptrdiff_t>(k - 1), bits.end(),
                       std::greater<uint64_t>());
      bits[0] = bits[k - 1];
      break;
    }
    uint32_t hist[256] = {};
    for (uint64_t x : bits) hist[(x >> shift) & 0xFF]++;
    int b = 255;
    size_t above = 0;
    while (above + hist[b] < k) above += hist[b--];
    k -= above;
    size_t o = 0;
    for (uint64_t x : bits) {
      bits[o] = x;
      o += ((x >> shift) & 0xFF) == static_cast<uint64_t>(b);
    }
    bits.resize(o);
  }
  const double t = std::bit_cast<double>(bits[0]);  // the keep-th largest weight
  int ties = keep;                                   // entries of weight t that fit
  for (size_t i = 0; i < size; ++i)
    if (v[i].second > t) --ties;
  size_t o = 0;
  for (size_t i = 0; i < size; ++i)
    if (v[i].second > t || (v[i].second == t && ties-- > 0)) v[o++] = v[i];
  return o;
}

void KeepStrongest(std::vector<std::pair<int, double>>* v, int keep, std::vector<uint64_t>* scratch) {
  v->resize(KeepStrongest(v->data(), v->size(), keep, scratch));
}

RelatedTuning& RTuning() {
  static RelatedTuning t;
  return t;
}

std::vector<std::vector<Related>> FindRelated(std::vector<RelatedInput> docs, int related_max, double min_score,
                                              int threads) {
  const int n = static_cast<int>(docs.size());
  std::vector<std::vector<Related>> out(n);
  if (n < 2 || related_max <= 0) return out;
  const RelatedTuning& tu = RTuning();
  // Raw feature weights; feature ids in document order (the caller passes
  // documents sorted by id, so ids never depend on input order).
  // Features are keyed by a stable 64-bit hash of "<kind><text>" (computed
  // in parallel); ids are then handed out in document order.
  std::vector<std::vector<std::pair<uint64_t, double>>> hashed(n);
  ParallelFor(n, threads, [&](int d) {
    auto& h = hashed[d];
    for (const auto& [t, c] : docs[d].terms->terms) h.emplace_back(Fnv('t', t), 1.0 + std::log(static_cast<double>(c)));
    for (const Entity& e : *docs[d].entities) {
      h.emplace_back(Fnv('e', Lower(e.name)),
                     tu.entity_weight * (1.0 + std::log(static_cast<double>(std::max(1, e.count)))));
    }
    for (const auto& [p, c] : docs[d].terms->phrases) {
      if (c >= 2 && p.find(' ') != std::string::npos) {
        h.emplace_back(Fnv('p', p), tu.phrase_weight * (1.0 + std::log(static_cast<double>(c))));
      }
    }
    docs[d].terms.reset();  // not needed again; freed here unless a cache holds it
  });
  // Feature ids in order of first appearance, from an open-addressing table
  // (key -> id; a node-based map spent ~10 ms here at 1,114 documents). Key
  // and id share a slot (one cache miss a lookup), the table grows with the
  // distinct features (a fifth of all entries on news text) rather than
  // being sized for every entry, and the slot of a key a few entries ahead
  // is prefetched.
  size_t entries = 0;
  for (const auto& h : hashed) entries += h.size();
  struct Slot {
    uint64_t key;
    int id;
  };
  int next_id = 0;
  size_t cap = 1024;
  while (cap < entries / 2) cap <<= 1;
  std::vector<Slot> slots(cap, Slot{0, -1});
  size_t mask = cap - 1;
  auto home = [&](uint64_t key) { return static_cast<size_t>((key ^ (key >> 29)) * 0x9E3779B97F4A7C15ULL >> 20) & mask; };
  auto grow = [&] {
    std::vector<Slot> old(cap * 2, Slot{0, -1});
    old.swap(slots);
    cap *= 2;
    mask = cap - 1;
    for (const Slot& s : old) {
      if (s.id < 0) continue;
      size_t i = home(s.key);
      while (slots[i].id >= 0) i = (i + 1) & mask;
      slots[i] = s;
    }
  };
  auto id_of = [&](uint64_t key, bool* inserted) {
    size_t i = home(key);
    while (slots[i].id >= 0) {
      if (slots[i].key == key) {
        *inserted = false;
        return slots[i].id;
      }
      i = (i + 1) & mask;
    }
    *inserted = true;
    slots[i] = Slot{key, next_id};
    int id = next_id++;
    if (static_cast<size_t>(next_id) * 2 > cap) grow();
    return id;
  };
  std::vector<std::vector<std::pair<int, double>>> vec(n);
  for (int d = 0; d < n; ++d) {
    std::vector<std::pair<int, double>>& f = vec[d];
    f.reserve(hashed[d].size());
    const auto& h = hashed[d];
    for (size_t j = 0; j < h.size(); ++j) {
      if (j + 8 < h.size()) __builtin_prefetch(&slots[home(h[j + 8].first)]);
      const auto& [key, w] = h[j];
      bool ins;
      f.emplace_back(id_of(key, &ins), w);
    }
    std::vector<std::pair<uint64_t, double>>().swap(hashed[d]);
  }
  std::vector<Slot>().swap(slots);
  const int n_feat = next_id;
  // Each document's features sorted by id, equal ids (a hash shared by two
  // features of one document) merged: on every core.
  ParallelFor(n, threads, [&](int d) {
    auto& f = vec[d];
    std::sort(f.begin(), f.end());
    size_t o = 0;
    for (size_t i = 0; i < f.size(); ++i) {
      if (o > 0 && f[o - 1].first == f[i].first) {
        f[o - 1].second += f[i].second;
      } else {
        f[o++] = f[i];
      }
    }
    f.resize(o);
  });
  std::vector<int> df(n_feat, 0);
  for (const auto& f : vec)
    for (const auto& [k, w] : f) df[k]++;
  std::vector<double> idf(n_feat);
  for (int k = 0; k < n_feat; ++k) {
    idf[k] = tu.smooth_idf ? std::log((1.0 + n) / (1.0 + df[k])) + 1.0 : std::log(static_cast<double>(n) / df[k]);
    idf[k] = std::pow(idf[k], tu.idf_power);
  }
  const int max_df = std::max(2, static_cast<int>(tu.max_df_ratio * n));
  // Unit-length TF-IDF vectors, on every core.
  ParallelFor(n, threads, [&](int d) {
    double norm = 0;
    for (auto& [k, w] : vec[d]) {
      w *= idf[k];
      norm += w * w;
    }
    norm = std::sqrt(norm);
    for (auto& [k, w] : vec[d]) w = norm > 0 ? w / norm : 0;
  });
  // Postings of the features that link documents, in one flat array by
  // feature (counted, then filled in document order, so each feature's
  // postings are sorted by document).
  auto indexed = [&](int k, double w) { return df[k] >= 2 && df[k] <= max_df && w > 0; };
  std::vector<size_t> post_begin(static_cast<size_t>(n_feat) + 1, 0);
  for (const auto& f : vec)
    for (const auto& [k, w] : f)
      if (indexed(k, w)) post_begin[static_cast<size_t>(k) + 1]++;
  for (int k = 0; k < n_feat; ++k) post_begin[k + 1] += post_begin[k];
  std::vector<std::pair<int, double>> all(post_begin[n_feat]);
  {
    std::vector<size_t> fill(post_begin.begin(), post_begin.end() - 1);
    for (int d = 0; d < n; ++d)
      for (const auto& [k, w] : vec[d])
        if (indexed(k, w)) all[fill[k]++] = {d, w};
  }
  // Impact-ordered truncation: a feature keeps only its strongest postings
  // (ties by document), which bounds the cost of a query whatever the corpus
  // size; postings stay sorted by document so sums are order-independent.
  std::vector<size_t> kept(n_feat);
  for (int k = 0; k < n_feat; ++k) kept[k] = post_begin[k + 1] - post_begin[k];
  if (tu.max_postings > 0) {
    ParallelFor(n_feat, threads, [&](int k) {
      // A feature's postings are sorted by document, documents distinct.
      thread_local std::vector<uint64_t> scratch;
      kept[k] = KeepStrongest(all.data() + post_begin[k], kept[k], tu.max_postings, &scratch);
    });
  }
  // Flat, structure-of-arrays postings for the hot loop.
  std::vector<size_t> kept_begin(static_cast<size_t>(n_feat) + 1, 0);
  for (int k = 0; k < n_feat; ++k) kept_begin[k + 1] = kept_begin[k] + kept[k];
  std::vector<int> post_doc(kept_begin[n_feat]);
  std::vector<float> post_w(kept_begin[n_feat]);
  for (int k = 0; k < n_feat; ++k) {
    size_t o = kept_begin[k];
    for (size_t i = post_begin[k], end = post_begin[k] + kept[k]; i < end; ++i) {
      post_doc[o] = all[i].first;
      post_w[o++] = static_cast<float>(all[i].second);
    }
  }
  std::vector<std::pair<int, double>>().swap(all);
  post_begin.swap(kept_begin);
  const bool dense = n <= 8192;
  auto neighbours = [&](const std::vector<std::pair<int, double>>& q, int self, std::vector<float>& acc,
                        std::vector<int>& touched, int keep) {
    auto better = [](const std::pair<double, int>& a, const std::pair<double, int>& b) {
      if (a.first != b.first) return a.first > b.first;
      return a.second < b.second;
    };
    // The `keep` best candidates so far under `better` (a strict total
    // order: ties by document), as a heap whose front is the worst of them:
    // most candidates are turned away by one comparison with it. The same
    // set, and once sorted the same list, as selecting from all candidates.
    std::vector<std::pair<double, int>> best;
    best.reserve(static_cast<size_t>(keep));
    auto offer = [&](double score, int e) {
      if (static_cast<int>(best.size()) < keep) {
        best.emplace_back(score, e);
        std::push_heap(best.begin(), best.end(), better);
      } else if (better({score, e}, best.front())) {
        std::pop_heap(best.begin(), best.end(), better);
        best.back() = {score, e};
        std::push_heap(best.begin(), best.end(), better);
      }
    };
    if (dense) {
      // Small corpora: accumulate without tracking which documents were
      // touched (a branch that mispredicts all the time), then scan them
      // all. The sums are the same, added in the same order.
      float* a = acc.data();
      for (auto& [k, w] : q) {
        if (df[k] < 2 || df[k] > max_df) continue;
        const float wq = static_cast<float>(w);
        const int* pd = post_doc.data();
        const float* pw = post_w.data();
        for (size_t i = post_begin[k], end = post_begin[k + 1]; i < end; ++i) a[pd[i]] += wq * pw[i];
      }
      for (int e = 0; e < n; ++e) {
        if (a[e] != 0) {
          if (e != self && a[e] > 0) offer(a[e], e);
          a[e] = 0;
        }
      }
    } else {
      for (auto& [k, w] : q) {
        if (df[k] < 2 || df[k] > max_df) continue;
        const float wq = static_cast<float>(w);
        for (size_t i = post_begin[k], end = post_begin[k + 1]; i < end; ++i) {
          int e = post_doc[i];
          if (acc[e] == 0) touched.push_back(e);
          acc[e] += wq * post_w[i];
        }
      }
      for (int e : touched) {
        if (e != self && acc[e] > 0) offer(acc[e], e);
        acc[e] = 0;
      }
      touched.clear();
    }
    std::sort(best.begin(), best.end(), better);
    return best;
  };
  std::vector<std::vector<std::pair<double, int>>> first(n);
  const int keep = std::max(related_max, tu.smooth_k) + 1;
  ParallelFor(n, threads, [&](int d) {
    thread_local std::vector<float> acc;
    thread_local std::vector<int> touched;
    if (static_cast<int>(acc.size()) < n) acc.assign(n, 0.0f);
    if (static_cast<int>(vec[d].size()) <= tu.first_query_max) {
      first[d] = neighbours(vec[d], d, acc, touched, keep);
      return;
    }
    std::vector<std::pair<int, double>> q = vec[d];
    thread_local std::vector<uint64_t> scratch;
    KeepStrongest(&q, tu.first_query_max, &scratch);
    first[d] = neighbours(q, d, acc, touched, keep);
  });
  std::vector<std::vector<std::pair<double, int>>> final_lists = first;
  if (tu.smooth > 0 && tu.smooth_k > 0) {
    // Query expansion: add the mean of the nearest neighbours' vectors.
    ParallelFor(n, threads, [&](int d) {
      thread_local std::vector<float> acc;
      thread_local std::vector<int> touched;
      if (static_cast<int>(acc.size()) < n) acc.assign(n, 0.0f);
      thread_local std::vector<double> q;
      thread_local std::vector<uint64_t> seen;  // bit k: feature k is in the query
      thread_local std::vector<int> qk;
      if (static_cast<int>(q.size()) < n_feat) q.assign(n_feat, 0.0);
      if (seen.size() < static_cast<size_t>(n_feat) / 64 + 1) seen.assign(static_cast<size_t>(n_feat) / 64 + 1, 0);
      // Every weight is > 0, so a feature is new exactly when its bit is not
      // set; the set bits, read in order, are the query's features sorted.
      int lo = n_feat, hi = -1;
      auto mark = [&](int k) {
        seen[static_cast<size_t>(k) >> 6] |= uint64_t{1} << (k & 63);
        lo = std::min(lo, k);
        hi = std::max(hi, k);
      };
      for (auto& [k, w] : vec[d]) {
        mark(k);
        q[k] += w;
      }
      int m = std::min<int>(tu.smooth_k, first[d].size());
      const double scale = m > 0 ? tu.smooth / m : 0.0;
      double* qd = q.data();
      for (int j = 0; j < m; ++j) {
        for (const auto& [k, w] : vec[first[d][j].second]) {
          mark(k);
          qd[k] += scale * w;
        }
      }
      qk.clear();
      for (int word = lo >> 6; hi >= 0 && word <= (hi >> 6); ++word) {
        uint64_t bits = seen[static_cast<size_t>(word)];
        seen[static_cast<size_t>(word)] = 0;
        while (bits != 0) {
          qk.push_back(word * 64 + std::countr_zero(bits));
          bits &= bits - 1;
        }
      }
      double norm = 0;
      for (int k : qk) norm += q[k] * q[k];
      norm = std::sqrt(norm);
      std::vector<std::pair<int, double>> qv;
      for (int k : qk) {
        if (df[k] >= 2 && df[k] <= max_df) qv.emplace_back(k, norm > 0 ? q[k] / norm : 0);
        q[k] = 0;
      }
      // Keep the strongest features only (bounded query cost on big corpora).
      thread_local std::vector<uint64_t> scratch;
      KeepStrongest(&qv, tu.query_max, &scratch);
      final_lists[d] = neighbours(qv, d, acc, touched, std::max(related_max, tu.pool) + 1);
    });
  }
  if (tu.hub_penalty > 0 || tu.snn > 0) {
    // Hubness reduction (CSLS-style: an article close to everything is
    // penalised by its mean neighbour similarity) and shared-neighbour boost.
    const int kk = 10;
    std::vector<double> hub(n, 0.0);
    std::vector<std::vector<int>> knn(n);
    for (int d = 0; d < n; ++d) {
      int m = std::min<int>(kk, first[d].size());
      for (int j = 0; j < m; ++j) {
        hub[d] += first[d][j].first / kk;
        knn[d].push_back(first[d][j].second);
      }
      std::sort(knn[d].begin(), knn[d].end());
    }
    ParallelFor(n, threads, [&](int d) {
      for (auto& [score, e] : final_lists[d]) {
        score -= tu.hub_penalty * hub[e];
        if (tu.snn != 0) {
          std::vector<int> both;
          std::set_intersection(knn[d].begin(), knn[d].end(), knn[e].begin(), knn[e].end(),
                                std::back_inserter(both));
          score += tu.snn * static_cast<double>(both.size()) / kk;
        }
      }
      std::sort(final_lists[d].begin(), final_lists[d].end(), [](const auto& a, const auto& b) {
        if (a.first != b.first) return a.first > b.first;
        return a.second < b.second;
      });
    });
  }
  // Reasons: shared entities, then shared keyphrases. Each document's
  // entity names sorted once (the count of a name's last entity), so a pair
  // looks them up without building a map.
  std::vector<std::vector<std::pair<std::string_view, int>>> by_name(n);
  ParallelFor(n, threads, [&](int d) {
    auto& v = by_name[d];
    for (const Entity& x : *docs[d].entities) v.emplace_back(x.name, x.count);
    std::stable_sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    size_t o = 0;
    for (size_t i = 0; i < v.size(); ++i) {
      if (o > 0 && v[o - 1].first == v[i].first) v[o - 1] = v[i];  // the later one wins
      else v[o++] = v[i];
    }
    v.resize(o);
  });
  ParallelFor(n, threads, [&](int d) {
    // vec[d] spread over a dense array: each candidate's cosine is then one
    // pass over its own features (the same products, added in the same
    // order as Dot's merge).
    thread_local std::vector<double> mine;
    if (mine.size() < static_cast<size_t>(n_feat)) mine.assign(n_feat, 0.0);
    for (const auto& [k, w] : vec[d]) mine[k] = w;
    auto cosine_with = [&](int e) {
      double s = 0;
      for (const auto& [k, w] : vec[e])
        if (mine[k] != 0) s += mine[k] * w;
      return s;
    };
    for (auto& [score, e] : final_lists[d]) {
      if (static_cast<int>(out[d].size()) >= related_max) break;
      (void)score;  // the rank score orders the list; the reported score is the plain cosine
      double cosine = cosine_with(e);
      if (cosine < tu.min_cosine) continue;  // nothing really shared: no link
      double s = std::round(std::clamp(cosine, 0.0, 1.0) * 10000.0) / 10000.0;
      if (s <= 0 || s < min_score) continue;
      Related r;
      r.id = *docs[e].id;
      r.score = s;
      // Views into the documents' own strings: no copies per pair.
      std::vector<std::pair<int, std::string_view>> shared;
      const auto& theirs = by_name[e];  // name -> count, sorted by name
      for (const Entity& x : *docs[d].entities) {
        auto it = std::lower_bound(theirs.begin(), theirs.end(), std::string_view(x.name),
                                   [](const auto& a, std::string_view b) { return a.first < b; });
        if (it != theirs.end() && it->first == x.name) shared.emplace_back(-std::min(x.count, it->second), x.name);
      }
      std::sort(shared.begin(), shared.end());
      std::vector<std::string> used;  // lower-cased names shown (at most 8)
      for (auto& [c, name] : shared) {
        if (r.shared.size() >= 8) break;
        r.shared.emplace_back(name);
        used.push_back(Lower(name));
      }
      const std::vector<Keyphrase>& their_kp = *docs[e].keyphrases;
      for (const Keyphrase& k : *docs[d].keyphrases) {
        if (r.shared.size() >= 10) break;
        bool theirs_too = std::any_of(their_kp.begin(), their_kp.end(), [&](const Keyphrase& o) { return o.text == k.text; });
        if (theirs_too && std::find(used.begin(), used.end(), k.text) == used.end()) r.shared.push_back(k.text);
      }
      out[d].push_back(std::move(r));
    }
    for (const auto& [k, w] : vec[d]) mine[k] = 0;
  });
  return out;
}

}  // namespace dossier::analyse::internal
