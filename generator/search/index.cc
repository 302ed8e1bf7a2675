// BuildLunrIndex: lunr.Builder#add / #build / Index#toJSON (lunr 2.3.9),
// reimplemented with flat arrays and hash maps, writing the JSON text by hand
// so that the bytes equal JSON.stringify(idx) of the lunr.js index.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <array>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "search/search.h"
#include "search/search_internal.h"

namespace dossier::search {

using internal::RawToken;

namespace {

// ---- Open-addressing map: UTF-16 string -> int32 -----------------------------

class U16Map {
 public:
  U16Map() { slots_.assign(1024, Slot{}); }

  // Returns the value slot for `key`; *inserted tells whether it is new (then
  // the caller sets the value). The pointer is valid until the next insert.
  struct Hashed {
    uint64_t prefix;
    uint64_t hash;
  };
  static Hashed HashOf(std::u16string_view key) {
    Hashed r;
    r.prefix = Prefix(key);
    r.hash = Hash(key, r.prefix);
    return r;
  }
  // Software prefetching for a batch of lookups: first the slot, later (once
  // the slot has arrived) the key record it points to.
  void PrefetchSlot(uint64_t h) const { __builtin_prefetch(&slots_[static_cast<size_t>(h) & (slots_.size() - 1)]); }
  void PrefetchKey(uint64_t h) const {
    const Slot& s = slots_[static_cast<size_t>(h) & (slots_.size() - 1)];
    if (s.key != kEmpty) __builtin_prefetch(&keys_[s.key]);
  }

  // The first 4 units of a key, packed (part of its Hashed).
  static uint64_t Prefix(std::u16string_view k) {
    const char16_t* p = k.data();
    switch (k.size()) {
      case 0: return 0;
      case 1: return uint64_t(p[0]);
      case 2: return uint64_t(p[0]) | uint64_t(p[1]) << 16;
      case 3: return uint64_t(p[0]) | uint64_t(p[1]) << 16 | uint64_t(p[2]) << 32;
      default: return uint64_t(p[0]) | uint64_t(p[1]) << 16 | uint64_t(p[2]) << 32 | uint64_t(p[3]) << 48;
    }
  }
  int32_t* FindOrInsert(std::u16string_view key, bool* inserted) { return FindOrInsert(key, HashOf(key), inserted); }

  int32_t* FindOrInsert(std::u16string_view key, const Hashed& hk, bool* inserted) {
    const uint64_t prefix = hk.prefix;
    const uint64_t h = hk.hash;
    const uint32_t tag = static_cast<uint32_t>(h >> 32);
    const size_t mask = slots_.size() - 1;
    size_t i = static_cast<size_t>(h) & mask;
    const uint32_t klen = static_cast<uint32_t>(key.size());
    while (true) {
      const Slot& s = slots_[i];
      if (s.key == kEmpty) break;
      if (s.tag == tag) {
        Key& k = keys_[s.key];
        if (k.prefix == prefix && k.len == klen &&
            (klen <= 4 || Equal(arena_.data() + k.off + 4, key.data() + 4, klen - 4))) {
          *inserted = false;
          return &k.value;
        }
      }
      i = (i + 1) & mask;
    }
    if ((keys_.size() + 1) * 10 > slots_.size() * 7) {
      Grow();
      return FindOrInsert(key, hk, inserted);
    }
    slots_[i] = Slot{tag, static_cast<uint32_t>(keys_.size())};
    keys_.push_back(Key{prefix, static_cast<uint32_t>(arena_.size()), klen, -1, static_cast<uint32_t>(h)});
    arena_.append(key);
    *inserted = true;
    return &keys_.back().value;
  }

 private:
  static constexpr uint32_t kEmpty = 0xFFFFFFFFu;
  struct Slot {
    uint32_t tag = 0;  // high half of the hash
    uint32_t key = kEmpty;
  };
  struct Key {
    uint64_t prefix;  // the first 4 units, so short keys compare without the arena
    uint32_t off;
    uint32_t len;
    int32_t value;
    uint32_t hash_lo;
  };
  static bool Equal(const char16_t* a, const char16_t* b, uint32_t n) {
    for (uint32_t i = 0; i < n; ++i)
      if (a[i] != b[i]) return false;
    return true;
  }
  static uint64_t Hash(std::u16string_view k, uint64_t prefix) {
    size_t n = k.size();
    uint64_t h = (0x9E3779B97F4A7C15ull * (n + 1) ^ prefix) * 0xff51afd7ed558ccdull;
    if (n > 4) {
      const char16_t* p = k.data() + 4;
      n -= 4;
      h ^= h >> 31;
      while (n >= 4) {
        uint64_t w = uint64_t(p[0]) | uint64_t(p[1]) << 16 | uint64_t(p[2]) << 32 | uint64_t(p[3]) << 48;
        h = (h ^ w) * 0xff51afd7ed558ccdull;
        h ^= h >> 31;
        p += 4;
        n -= 4;
      }
      if (n) {
        uint64_t w = 0;
        for (size_t j = 0; j < n; ++j) w |= uint64_t(p[j]) << (16 * j);
        h = (h ^ w) * 0xff51afd7ed558ccdull;
      }
    }
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 32;
    return h;
  }
  void Grow() {
    slots_.assign(slots_.size() * 2, Slot{});
    const size_t mask = slots_.size() - 1;
    for (uint32_t k = 0; k < keys_.size(); ++k) {
      uint64_t h = keys_[k].hash_lo;
      size_t i = static_cast<size_t>(h) & mask;
      while (slots_[i].key != kEmpty) i = (i + 1) & mask;
      // The tag is recomputed from the key (the slot only keeps the high half).
      std::u16string_view key(arena_.data() + keys_[k].off, keys_[k].len);
      slots_[i] = Slot{static_cast<uint32_t>(Hash(key, keys_[k].prefix) >> 32), k};
    }
  }
  std::vector<Slot> slots_;
  std::vector<Key> keys_;
  std::u16string arena_;
};

// Lower-cased UTF-16 of a field string (JS `String(v).toLowerCase()`).
void LowerText(std::string_view text, std::u16string* out) {
  if (internal::LowerUtf8ToUtf16(text, out)) return;
  *out = internal::Utf8ToUtf16(text);
  internal::JsToLowerCase(out);
}

struct Occurrence {
  uint32_t start;
  uint32_t length;
  uint32_t index;
  uint32_t next;  // next occurrence of the same posting entry, or kNone
  bool from_array;
};
constexpr uint32_t kNone = 0xFFFFFFFFu;

// A posting entry: a (term, field, ref) triple, in add order. Kept as such
// only when refs repeat (a later document adds to an earlier one's
// entries); otherwise entry i is tf_pairs_[i] with the field and ref of the
// field-ref whose range holds it (Builder::ForEachEntry), 12 bytes less per
// entry. With metadata, Builder::entry_occ_ holds each entry's occurrences'
// list, beside it.
struct Entry {
  uint32_t term;
  uint32_t field;  // effective field index
  uint32_t ref;    // unique ref slot
};
struct EntryOccs {
  uint32_t head = kNone;
  uint32_t tail = kNone;
};

struct FieldRefData {
  uint32_t length = 0;
  uint32_t tf_begin = 0;  // into Builder::tf_pairs_
  uint32_t tf_count = 0;
};

enum class MetaKey { kPosition, kIndex, kFields, kOther };

void AppendUInt(uint64_t v, std::string* out) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out->append(buf, static_cast<size_t>(r.ptr - buf));
}

// Math.round(score * 1000) / 1000 as JSON.stringify prints it, written at
// `q` (room for 32 chars); returns the end.
char* WriteScore(double score, char* q) {
  const double v = score * 1000;
  if (std::fabs(v) < 1e15) {  // false for NaN and infinities
    // Math.round without a libm call: floor by truncation, then half up.
    int64_t ki = static_cast<int64_t>(v);
    if (static_cast<double>(ki) > v) --ki;
    if (v - static_cast<double>(ki) >= 0.5) ++ki;
    if (ki == 0) {
      *q++ = '0';
      return q;
    }
    uint64_t a = ki < 0 ? static_cast<uint64_t>(-ki) : static_cast<uint64_t>(ki);
    if (ki < 0) *q++ = '-';
    q = std::to_chars(q, q + 24, a / 1000).ptr;
    uint32_t frac = static_cast<uint32_t>(a % 1000);
    if (frac != 0) {
      q[0] = '.';
      q[1] = static_cast<char>('0' + frac / 100);
      q[2] = static_cast<char>('0' + frac / 10 % 10);
      q[3] = static_cast<char>('0' + frac % 10);
      size_t len = 4;
      while (q[len - 1] == '0') --len;
      q += len;
    }
    return q;
  }
  const double k = internal::JsRound(v);
  std::string s;
  internal::AppendJsonNumber(k / 1000, &s);  // "1e+21"-style or "null": at most 24 chars
  std::memcpy(q, s.data(), s.size());
  return q + s.size();
}

// The output text, written through raw pointers: Room(n) makes room for n
// more bytes and returns where they go; Done(end) keeps what was written.
// With a sink, the text is passed on in pieces of about kFlushBytes (Room
// flushes what was written before it makes room), so the buffer stays small
// and its memory is reused.
class OutBuf {
 public:
  static constexpr size_t kFlushBytes = size_t(1) << 18;
  // `capacity` is reserved (address space only); the string is resized as
  // it fills, so memory pages are only touched when written.
  explicit OutBuf(size_t capacity, const IndexSink* sink = nullptr) : sink_(sink) {
    s_.reserve(sink_ != nullptr ? kFlushBytes * 2 : capacity);
  }
  char* Room(size_t n) {
    if (sink_ != nullptr && len_ >= kFlushBytes) Flush();
    if (len_ + n > s_.size()) s_.resize(std::max(len_ + n, std::min(s_.capacity(), s_.size() + (size_t(1) << 16))));
    return s_.data() + len_;
  }
  void Done(char* end) { len_ = static_cast<size_t>(end - s_.data()); }
  void Put(std::string_view v) {
    char* p = Room(v.size());
    std::memcpy(p, v.data(), v.size());
    len_ += v.size();
  }
  // Passes what was written to the sink (after its first failure, nothing).
  void Flush() {
    if (len_ != 0 && ok_) ok_ = (*sink_)(std::string_view(s_.data(), len_));
    len_ = 0;
  }
  bool ok() const { return ok_; }
  std::string_view View() const { return std::string_view(s_.data(), len_); }
  std::string Take() {
    s_.resize(len_);
    return std::move(s_);
  }

 private:
  std::string s_;
  size_t len_ = 0;
  const IndexSink* sink_;
  bool ok_ = true;
};

inline char* Copy(char* p, std::string_view v) {
  std::memcpy(p, v.data(), v.size());
  return p + v.size();
}

// JSON string body (no quotes) of a UTF-8 string.
std::string EscapedBody(std::string_view s) {
  std::string out;
  internal::AppendJsonString(s, &out);
  return out.substr(1, out.size() - 2);
}

// A token, found ahead of indexing: its raw slice and its term.
struct Pending {
  uint32_t start, length;  // raw slice, in units of the lower-cased field (an array item: 0 and its length)
  int32_t term;            // term id, or -2 for a stop word
};

// A token as ScanBlock finds it.
struct Scanned {
  uint32_t start, length;            // raw slice, in units of the lower-cased field (an array item: 0 and its length)
  uint32_t trim_off, trim_length;    // trimmed token, in Block::text
  uint64_t hash;                     // U16Map hash of the trimmed token
};

// The tokens of the string and array fields of a run of documents. Indexing
// a block takes three steps, run as a pipeline on two threads:
// ScanBlock (lower-casing, tokenising, trimming, hashing: independent of
// other documents), ResolveBlock (the term id of each token: in document
// order, because ids are given in first-occurrence order) and AddDocuments
// (term frequencies per field).
struct Block {
  size_t doc_begin = 0, doc_end = 0;
  std::u16string text;            // lower-cased fields and array items, one after another
  std::vector<Scanned> scanned;   // ScanBlock's tokens
  std::vector<Pending> tokens;    // ResolveBlock's, one per scanned token
  struct Slice {
    uint32_t tok_begin, tok_count;
    bool from_array;
  };
  std::vector<Slice> slices;  // per (document, effective field) of kind kString or kArray, in order
  size_t term_count = 0;      // terms known once the block was resolved
};

class Builder {
 public:
  // Without `threads`, every step runs on the calling thread (the same
  // bytes; for tests).
  explicit Builder(const IndexSpec& spec, bool threads = true) : spec_(spec), threads_(threads) {}

  // Builds the index; with a sink, the text goes to the sink (and "" is
  // returned; *sink_ok tells whether every call succeeded), else it is
  // returned. With `consume` (== &docs), the documents are freed once
  // indexed, before the text is written, which then reuses their memory.
  std::string Build(const std::vector<Document>& docs, const IndexSink* sink = nullptr, bool* sink_ok = nullptr,
                    std::vector<Document>* consume = nullptr);

 private:
  void SetUpFields();
  void SetUpRefs(const std::vector<Document>& docs);
  void ScanBlock(const std::vector<Document>& docs, Block* block);
  void ResolveBlock(Block* block);
  void AddField(uint32_t ref, uint32_t field, const Pending* tokens, size_t token_count, bool from_array);
  void AddDocuments(const std::vector<Document>& docs, const Block& block);
  void AddTerm(int32_t term, uint32_t start, uint32_t length, uint32_t index, bool from_array);
  int32_t TermFor(std::u16string_view trimmed, const U16Map::Hashed& hk);
  std::string Serialise(const IndexSink* sink, bool* sink_ok);
  // Calls fn(entry index, term, field, ref) for every posting entry, in
  // creation (= add) order. Reads tf_pairs_, which stays as AddField left it.
  template <typename Fn>
  void ForEachEntry(Fn&& fn) const {
    if (has_duplicates_) {
      for (size_t i = 0; i < entries_.size(); ++i) fn(i, entries_[i].term, entries_[i].field, entries_[i].ref);
      return;
    }
    // Each ref has one document, added in ref order, its fields in order,
    // each field's pairs in the order their entries were made.
    const uint32_t F = static_cast<uint32_t>(fields_.size());
    for (uint32_t r = 0; r < refs_.size(); ++r) {
      for (uint32_t f = 0; f < F; ++f) {
        const FieldRefData& fr = field_refs_[size_t(r) * F + f];
        for (uint32_t i = fr.tf_begin, end = fr.tf_begin + fr.tf_count; i < end; ++i) fn(i, tf_pairs_[i].first, f, r);
      }
    }
  }
  void WriteFieldVectors(const std::vector<double>& avg, const std::vector<double>& idf,
                         const std::vector<std::string>& ref_body, const std::vector<std::string>& field_body,
                         OutBuf* out);
  void AppendPostingMetadata(size_t g, size_t fi, const std::vector<uint32_t>& start,
                             const std::vector<uint32_t>& grouped_ref, const std::vector<uint32_t>& grouped_occ,
                             const std::vector<std::string>& ref_body, const std::vector<std::string>& field_body,
                             std::string* out);

  const IndexSpec& spec_;
  const bool threads_;

  // Fields in lunr's order (Object.keys(builder._fields)).
  struct EffField {
    std::string name;
    double boost;
    size_t source;  // index into IndexSpec::fields / Document::fields
  };
  std::vector<EffField> fields_;
  std::vector<std::string> posting_keys_;  // "_index" and field names, V8 order; "" marks _index
  std::vector<int> posting_key_field_;     // -1 for _index, else effective field index

  // Documents.
  size_t doc_count_ = 0;
  std::vector<std::string> refs_;       // unique refs, first-occurrence order
  std::vector<uint32_t> doc_ref_;       // per document: unique ref slot
  std::vector<double> ref_boost_;       // per unique ref: boost of its last document
  std::vector<uint8_t> ref_seen_twice_; // per unique ref: later documents reuse it
  bool has_duplicates_ = false;
  bool has_index_refs_ = false;
  std::vector<uint32_t> ref_index_value_;  // array-index value, or kNone

  // Terms: only ResolveBlock (on the helper thread, while there is one)
  // uses these until the documents are indexed.
  U16Map token_map_;  // trimmed token -> term id, or -2 for a stop word
  U16Map stem_map_;   // stem -> term id
  std::vector<std::u16string> terms_;
  std::u16string lower_;  // ScanBlock's scratch

  // Postings and field data.
  uint32_t entry_count_ = 0;
  std::vector<Entry> entries_;        // only with duplicate refs (see Entry)
  std::vector<EntryOccs> entry_occ_;  // per entry, only with metadata
  std::vector<Occurrence> occs_;
  std::unordered_map<uint64_t, uint32_t> entry_lookup_;  // only with duplicate refs
  std::vector<FieldRefData> field_refs_;                 // [ref * F + field]
  std::vector<std::pair<uint32_t, uint32_t>> tf_pairs_;  // (term, tf)

  // Per field-ref scratch.
  std::vector<uint32_t> tf_scratch_;
  std::vector<uint32_t> entry_scratch_;
  std::vector<uint32_t> touched_;
  uint32_t cur_ref_ = 0, cur_field_ = 0, cur_length_ = 0;

  // Metadata whitelist: unique keys (first-occurrence order) and multiplicity.
  std::vector<std::pair<std::string, int>> meta_keys_;
  std::vector<MetaKey> meta_kinds_;
  bool want_meta_ = false;
};

void Builder::SetUpFields() {
  // builder.field(name) assigns _fields[name]: a repeated name keeps its first
  // position and takes the later attributes.
  std::vector<EffField> uniq;
  for (size_t i = 0; i < spec_.fields.size(); ++i) {
    const Field& f = spec_.fields[i];
    auto it = std::find_if(uniq.begin(), uniq.end(), [&](const EffField& e) { return e.name == f.name; });
    if (it == uniq.end()) {
      uniq.push_back({f.name, f.boost, i});
    } else {
      it->boost = f.boost;
    }
  }
  // V8 enumerates array-index keys first, ascending.
  std::stable_sort(uniq.begin(), uniq.end(), [](const EffField& a, const EffField& b) {
    uint32_t va = 0, vb = 0;
    bool ia = internal::IsArrayIndexKey(a.name, &va), ib = internal::IsArrayIndexKey(b.name, &vb);
    if (ia != ib) return ia;
    if (ia) return va < vb;
    return false;
  });
  fields_ = std::move(uniq);

  // Posting objects: {"_index": n, <field>: {...}, ...} in V8 key order.
  std::vector<std::pair<std::string, int>> keys;
  keys.push_back({"_index", -1});
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (fields_[i].name == "_index") {
      keys[0].second = static_cast<int>(i);  // posting["_index"] is overwritten by the field map
    } else {
      keys.push_back({fields_[i].name, static_cast<int>(i)});
    }
  }
  std::stable_sort(keys.begin(), keys.end(), [](const auto& a, const auto& b) {
    uint32_t va = 0, vb = 0;
    bool ia = internal::IsArrayIndexKey(a.first, &va), ib = internal::IsArrayIndexKey(b.first, &vb);
    if (ia != ib) return ia;
    if (ia) return va < vb;
    return false;
  });
  for (auto& k : keys) {
    posting_keys_.push_back(EscapedBody(k.first));
    posting_key_field_.push_back(k.second);
  }

  for (const std::string& k : spec_.metadata_whitelist) {
    auto it = std::find_if(meta_keys_.begin(), meta_keys_.end(), [&](const auto& e) { return e.first == k; });
    if (it == meta_keys_.end()) {
      meta_keys_.push_back({k, 1});
      meta_kinds_.push_back(k == "position" ? MetaKey::kPosition
                            : k == "index"  ? MetaKey::kIndex
                            : k == "fields" ? MetaKey::kFields
                                            : MetaKey::kOther);
    } else {
      ++it->second;
    }
  }
  want_meta_ = !meta_keys_.empty();
}

void Builder::SetUpRefs(const std::vector<Document>& docs) {
  std::unordered_map<std::string_view, uint32_t> slot;
  slot.reserve(docs.size() * 2);
  doc_ref_.resize(docs.size());
  for (size_t i = 0; i < docs.size(); ++i) {
    auto [it, inserted] = slot.emplace(docs[i].ref, static_cast<uint32_t>(refs_.size()));
    if (inserted) {
      refs_.push_back(docs[i].ref);
      ref_boost_.push_back(1);
      ref_seen_twice_.push_back(0);
    } else {
      has_duplicates_ = true;
      ref_seen_twice_[it->second] = 1;
    }
    doc_ref_[i] = it->second;
    // `attributes.boost || 1`, attributes of the last document with this ref.
    double b = docs[i].boost;
    ref_boost_[it->second] = (b == 0 || std::isnan(b)) ? 1 : b;
  }
  ref_index_value_.assign(refs_.size(), kNone);
  for (size_t r = 0; r < refs_.size(); ++r) {
    uint32_t v = 0;
    if (internal::IsArrayIndexKey(refs_[r], &v)) {
      ref_index_value_[r] = v;
      has_index_refs_ = true;
    }
  }
}

int32_t Builder::TermFor(std::u16string_view trimmed, const U16Map::Hashed& hk) {
  bool inserted = false;
  int32_t* v = token_map_.FindOrInsert(trimmed, hk, &inserted);
  if (!inserted) return *v;
  if (internal::IsStopWord(trimmed)) {
    *v = -2;
    return -2;
  }
  std::u16string stem = internal::Stem(trimmed);
  bool new_stem = false;
  int32_t* t = stem_map_.FindOrInsert(stem, &new_stem);
  if (new_stem) {
    *t = static_cast<int32_t>(terms_.size());
    terms_.push_back(std::move(stem));
  }
  // `v` may have moved if the token map grew; it did not (different map).
  *v = *t;
  return *t;
}

void Builder::AddTerm(int32_t term, uint32_t start, uint32_t length, uint32_t index, bool from_array) {
  if (term < 0) return;  // stop word
  const uint32_t t = static_cast<uint32_t>(term);
  ++cur_length_;
  if (tf_scratch_[t]++ == 0) {
    touched_.push_back(t);
    uint32_t e = kNone;
    if (has_duplicates_) {
      uint64_t key = (uint64_t(t) << 32) | (uint64_t(cur_ref_) * fields_.size() + cur_field_);
      auto [it, ins] = entry_lookup_.emplace(key, entry_count_);
      if (!ins) e = it->second;
    }
    if (e == kNone) {
      e = entry_count_++;
      if (has_duplicates_) entries_.push_back(Entry{t, cur_field_, cur_ref_});
    }
    entry_scratch_[t] = e;
  }
  if (want_meta_) {
    if (entry_occ_.size() < entry_count_) entry_occ_.resize(entry_count_);
    EntryOccs& en = entry_occ_[entry_scratch_[t]];
    uint32_t o = static_cast<uint32_t>(occs_.size());
    occs_.push_back(Occurrence{start, length, index, kNone, from_array});
    if (en.tail == kNone) {
      en.head = o;
    } else {
      occs_[en.tail].next = o;
    }
    en.tail = o;
  }
}

void Builder::AddField(uint32_t ref, uint32_t field, const Pending* tokens, size_t m, bool from_array) {
  cur_ref_ = ref;
  cur_field_ = field;
  cur_length_ = 0;
  touched_.clear();
  for (size_t j = 0; j < m; ++j) {
    const Pending& p = tokens[j];
    // An array item's token has no position in a string (index 0).
    AddTerm(p.term, p.start, p.length, from_array ? 0 : static_cast<uint32_t>(j), from_array);
  }
  FieldRefData& fr = field_refs_[size_t(ref) * fields_.size() + field];
  fr.length = cur_length_;
  fr.tf_begin = static_cast<uint32_t>(tf_pairs_.size());
  fr.tf_count = static_cast<uint32_t>(touched_.size());
  // In first-occurrence order; WriteFieldVectors sorts them by term index
  // (lunr.Vector#insert keeps elements sorted), off this thread.
  for (uint32_t t : touched_) {
    tf_pairs_.push_back({t, tf_scratch_[t]});
    tf_scratch_[t] = 0;
  }
}

void Builder::ScanBlock(const std::vector<Document>& docs, Block* block) {
  block->text.clear();
  block->scanned.clear();
  block->slices.clear();
  const size_t F = fields_.size();
  for (size_t i = block->doc_begin; i < block->doc_end; ++i) {
    const Document& d = docs[i];
    for (size_t f = 0; f < F; ++f) {
      const size_t src = fields_[f].source;
      if (src >= d.fields.size()) continue;
      const FieldValue& v = d.fields[src];
      const uint32_t tok_begin = static_cast<uint32_t>(block->scanned.size());
      if (v.kind == FieldValue::Kind::kString) {
        LowerText(v.text, &lower_);
        const uint32_t base = static_cast<uint32_t>(block->text.size());
        // lunr.tokenizer: the non-empty slices between separators. The
        // trimmer (lunr.trimmer) is applied on the way: the trimmed token
        // runs from the first to the last word unit ([A-Za-z0-9_]) of the
        // slice.
        const char16_t* s = lower_.data();
        const size_t n = lower_.size();
        size_t k = 0;
        while (k < n) {
          while (k < n && internal::IsSeparator(s[k])) ++k;
          if (k == n) break;
          const size_t start = k;
          size_t first = n, last = 0;
          for (; k < n; ++k) {
            const char16_t c = s[k];
            if (c < 0x80) {
              const uint8_t cls = internal::kAsciiClass[c];
              if (cls & 1) break;
              if (cls & 2) {
                if (first == n) first = k;
                last = k;
              }
            } else if (internal::IsSeparator(c)) {
              break;
            }
          }
          const size_t trim_start = first == n ? start : first;
          const size_t trim_length = first == n ? 0 : last + 1 - first;
          block->scanned.push_back(Scanned{static_cast<uint32_t>(start), static_cast<uint32_t>(k - start),
                                           base + static_cast<uint32_t>(trim_start),
                                           static_cast<uint32_t>(trim_length),
                                           U16Map::HashOf(std::u16string_view(s + trim_start, trim_length)).hash});
        }
        block->text.append(lower_);
        block->slices.push_back(
            Block::Slice{tok_begin, static_cast<uint32_t>(block->scanned.size() - tok_begin), false});
      } else if (v.kind == FieldValue::Kind::kArray) {
        // Each element is one token (lunr.tokenizer on an array).
        for (const std::string& item : v.items) {
          LowerText(item, &lower_);
          const std::u16string_view trimmed = internal::Trim(lower_);
          const uint32_t off =
              static_cast<uint32_t>(block->text.size() + static_cast<size_t>(trimmed.data() - lower_.data()));
          block->scanned.push_back(Scanned{0, static_cast<uint32_t>(lower_.size()), off,
                                           static_cast<uint32_t>(trimmed.size()), U16Map::HashOf(trimmed).hash});
          block->text.append(lower_);
        }
        block->slices.push_back(
            Block::Slice{tok_begin, static_cast<uint32_t>(block->scanned.size() - tok_begin), true});
      }
    }
  }
}

void Builder::ResolveBlock(Block* block) {
  // Terms in token order, which gives term ids in first-occurrence order;
  // the hash-table accesses are prefetched a few tokens ahead.
  const std::vector<Scanned>& sc = block->scanned;
  const size_t m = sc.size();
  block->tokens.resize(m);
  const char16_t* text = block->text.data();
  constexpr size_t kSlotAhead = 8, kKeyAhead = 4;
  for (size_t j = 0; j < std::min(m, kSlotAhead); ++j) token_map_.PrefetchSlot(sc[j].hash);
  for (size_t j = 0; j < m; ++j) {
    if (j + kSlotAhead < m) token_map_.PrefetchSlot(sc[j + kSlotAhead].hash);
    if (j + kKeyAhead < m) token_map_.PrefetchKey(sc[j + kKeyAhead].hash);
    const Scanned& p = sc[j];
    const std::u16string_view trimmed(text + p.trim_off, p.trim_length);
    block->tokens[j] = Pending{p.start, p.length, TermFor(trimmed, U16Map::Hashed{U16Map::Prefix(trimmed), p.hash})};
  }
  block->term_count = terms_.size();
}

void Builder::AddDocuments(const std::vector<Document>& docs, const Block& block) {
  // The terms this block may use (ResolveBlock made them).
  if (tf_scratch_.size() < block.term_count) {
    tf_scratch_.resize(block.term_count, 0);
    entry_scratch_.resize(block.term_count, kNone);
  }
  const size_t F = fields_.size();
  size_t slice = 0;
  for (size_t i = block.doc_begin; i < block.doc_end; ++i) {
    const Document& d = docs[i];
    for (size_t f = 0; f < F; ++f) {
      const size_t src = fields_[f].source;
      const FieldValue* v = src < d.fields.size() ? &d.fields[src] : nullptr;
      if (v != nullptr && (v->kind == FieldValue::Kind::kString || v->kind == FieldValue::Kind::kArray)) {
        const Block::Slice& sl = block.slices[slice++];
        AddField(doc_ref_[i], static_cast<uint32_t>(f), block.tokens.data() + sl.tok_begin, sl.tok_count,
                 sl.from_array);
      } else {
        AddField(doc_ref_[i], static_cast<uint32_t>(f), nullptr, 0, false);
      }
    }
  }
}

std::string Builder::Build(const std::vector<Document>& docs, const IndexSink* sink, bool* sink_ok,
                           std::vector<Document>* consume) {
  SetUpFields();
  SetUpRefs(docs);
  doc_count_ = docs.size();
  const size_t F = fields_.size();
  field_refs_.assign(refs_.size() * F, FieldRefData{});
  if (has_duplicates_) entries_.reserve(docs.size() * 64);
  tf_pairs_.reserve(docs.size() * 64);

  // Blocks of documents, each scanned, resolved and added (see Block). With
  // a helper thread, this thread scans block k+1 while the helper resolves
  // block k, then adds block k; the memory held is three blocks, whatever
  // the corpus size. Without a thread (too few documents, or none could be
  // started), each block goes through the three steps here, in turn. Blocks
  // are an eighth of the documents, 32 to 64 (a block of 64 articles'
  // fields holds ~2 MB; larger blocks cost more fresh pages, each a fault
  // and its zeroing, than the thread hand-overs they save).
  constexpr size_t kSlots = 3;
  const size_t kBlockDocs = std::clamp<size_t>(docs.size() / 8, 32, 64);
  const size_t nblocks = (docs.size() + kBlockDocs - 1) / kBlockDocs;
  std::array<Block, kSlots> slots;
  auto scan = [&](size_t k) {
    Block& b = slots[k % kSlots];
    b.doc_begin = k * kBlockDocs;
    b.doc_end = std::min(docs.size(), b.doc_begin + kBlockDocs);
    ScanBlock(docs, &b);
    // The block holds the string fields now (lower-cased); what the caller
    // gave up is freed as it goes, for later blocks to reuse.
    if (consume != nullptr) {
      for (size_t i = b.doc_begin; i < b.doc_end; ++i)
        for (FieldValue& v : (*consume)[i].fields)
          if (v.kind == FieldValue::Kind::kString) std::string().swap(v.text);
    }
  };
  std::mutex mu;
  std::condition_variable cv;
  size_t scanned = 0, resolved = 0;  // blocks through each step
  std::thread helper;
  if (threads_ && nblocks >= 2) {
    try {
      helper = std::thread([&] {
        for (size_t k = 0; k < nblocks; ++k) {
          {
            std::unique_lock<std::mutex> lock(mu);
            cv.wait(lock, [&] { return scanned > k; });
          }
          ResolveBlock(&slots[k % kSlots]);
          {
            std::lock_guard<std::mutex> lock(mu);
            resolved = k + 1;
          }
          cv.notify_all();
        }
      });
    } catch (...) {  // no thread: every step here
    }
  }
  auto publish_scanned = [&](size_t n) {
    {
      std::lock_guard<std::mutex> lock(mu);
      scanned = n;
    }
    cv.notify_all();
  };
  if (helper.joinable()) {
    scan(0);
    publish_scanned(1);
  }
  for (size_t k = 0; k < nblocks; ++k) {
    if (helper.joinable()) {
      // Block k+1's slot was last used by block k-2, added already.
      if (k + 1 < nblocks) {
        scan(k + 1);
        publish_scanned(k + 2);
      }
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return resolved > k; });
    } else {
      scan(k);
      ResolveBlock(&slots[k % kSlots]);
    }
    AddDocuments(docs, slots[k % kSlots]);
  }
  if (helper.joinable()) helper.join();
  // The blocks' memory goes back to the heap before the text is written,
  // which reuses it (fewer fresh pages: each costs a fault and zeroing).
  for (Block& b : slots) {
    std::u16string().swap(b.text);
    std::vector<Scanned>().swap(b.scanned);
    std::vector<Pending>().swap(b.tokens);
    std::vector<Block::Slice>().swap(b.slices);
  }
  std::u16string().swap(lower_);
  if (consume != nullptr) std::vector<Document>().swap(*consume);
  return Serialise(sink, sink_ok);
}

void Builder::WriteFieldVectors(const std::vector<double>& avg, const std::vector<double>& idf,
                                const std::vector<std::string>& ref_body, const std::vector<std::string>& field_body,
                                OutBuf* outp) {
  OutBuf& out = *outp;
  const size_t F = fields_.size();
  const size_t R = refs_.size();
  const double k1 = spec_.k1;
  const double b = spec_.b < 0 ? 0 : (spec_.b > 1 ? 1 : spec_.b);  // Builder#b clamps
  // Longest "<termIndex>,<score>," pair: 10 digits, 24 for a score, 2 commas.
  constexpr size_t kPairRoom = 40;
  std::vector<std::pair<uint32_t, uint32_t>> sorted;
  for (size_t r = 0; r < R; ++r) {
    const double doc_boost = ref_boost_[r];
    for (size_t f = 0; f < F; ++f) {
      const FieldRefData& fr = field_refs_[r * F + f];
      char* q = out.Room(field_body[f].size() + ref_body[r].size() + 10 + size_t(fr.tf_count) * kPairRoom);
      if (r || f) *q++ = ',';
      *q++ = '[';
      *q++ = '"';
      q = Copy(q, field_body[f]);
      *q++ = '/';
      q = Copy(q, ref_body[r]);
      *q++ = '"';
      *q++ = ',';
      *q++ = '[';
      const double fl = fr.length;
      // k1 * (1 - b + b * (fieldLength / avg)), the same operations as lunr.js:2608.
      const double norm = k1 * (1 - b + b * (fl / avg[f]));
      const double field_boost = (fields_[f].boost == 0 || std::isnan(fields_[f].boost)) ? 1 : fields_[f].boost;
      // Sorted in a copy: the inverted index reads tf_pairs_ meanwhile.
      sorted.assign(tf_pairs_.begin() + fr.tf_begin, tf_pairs_.begin() + fr.tf_begin + fr.tf_count);
      std::pair<uint32_t, uint32_t>* pairs = sorted.data();
      std::sort(pairs, pairs + fr.tf_count,
                [](const auto& x, const auto& y) { return x.first < y.first; });  // terms are distinct
      for (uint32_t i = 0; i < fr.tf_count; ++i) {
        const auto [t, tfi] = pairs[i];
        const double tf = tfi;
        double score = idf[t] * ((k1 + 1) * tf) / (norm + tf);
        score *= field_boost;
        score *= doc_boost;
        if (i) *q++ = ',';
        q = std::to_chars(q, q + 12, t).ptr;
        *q++ = ',';
        q = WriteScore(score, q);
      }
      *q++ = ']';
      *q++ = ']';
      out.Done(q);
    }
  }
}

std::string Builder::Serialise(const IndexSink* sink, bool* sink_ok) {
  const size_t F = fields_.size();
  const size_t R = refs_.size();
  const size_t T = terms_.size();
  const double N = static_cast<double>(doc_count_);

  // Average field lengths over the (unique) field refs.
  std::vector<double> avg(F, 0);
  for (size_t f = 0; f < F; ++f) {
    double sum = 0;
    for (size_t r = 0; r < R; ++r) sum += field_refs_[r * F + f].length;
    avg[f] = sum / static_cast<double>(R);
  }

  // idf per term: df counts (field, document) pairs.
  std::vector<uint32_t> df(T, 0);
  ForEachEntry([&](size_t, uint32_t term, uint32_t, uint32_t) { ++df[term]; });
  std::vector<double> idf(T);
  for (size_t t = 0; t < T; ++t) {
    double d = df[t];
    double x = (N - d + 0.5) / (d + 0.5);
    idf[t] = std::log(1 + std::fabs(x));
  }

  std::vector<std::string> ref_body(R);
  size_t ref_bytes = 0;
  for (size_t r = 0; r < R; ++r) {
    ref_body[r] = EscapedBody(refs_[r]);
    ref_bytes += ref_body[r].size();
  }
  std::vector<std::string> field_body(F);
  for (size_t f = 0; f < F; ++f) field_body[f] = EscapedBody(fields_[f].name);

  // The field vectors are written on a helper thread (when one can be
  // started) while this thread writes the inverted index; the two texts
  // are joined at the end.
  // `head` gets room for the inverted index too, which is appended to it
  // at the end without moving it.
  const size_t inverted_estimate = size_t(entry_count_) * 16 + T * 32 + occs_.size() * 16 + 1024;
  // With a sink, `head` streams (from the helper thread, which is the only
  // one calling the sink until it is joined) and the inverted index waits in
  // `out` until the field vectors are through.
  OutBuf head(tf_pairs_.size() * 14 + ref_bytes * (F + 2) + 1024 + inverted_estimate, sink);
  head.Put("{\"version\":\"2.3.9\",\"fields\":[");
  for (size_t f = 0; f < F; ++f) {
    if (f) head.Put(",");
    head.Put("\"");
    head.Put(field_body[f]);
    head.Put("\"");
  }
  head.Put("],\"fieldVectors\":[");
  auto write_vectors = [&] { WriteFieldVectors(avg, idf, ref_body, field_body, &head); };
  std::thread helper;
  if (threads_ && R * F >= 256) {
    try {
      helper = std::thread(write_vectors);
    } catch (...) {  // no thread: written below
    }
  }
  if (!helper.joinable()) write_vectors();
  OutBuf out(inverted_estimate);

  // Group posting entries by (term, field), keeping creation (= add) order.
  std::vector<uint32_t> start(T * F + 1, 0);
  ForEachEntry([&](size_t, uint32_t term, uint32_t field, uint32_t) { ++start[size_t(term) * F + field + 1]; });
  for (size_t i = 1; i < start.size(); ++i) start[i] += start[i - 1];
  // grouped_ref[k] = ref of the k-th posting entry in (term, field, add)
  // order, so that writing reads it sequentially; with metadata,
  // grouped_occ[k] = its first occurrence.
  std::vector<uint32_t> grouped_ref(entry_count_);
  std::vector<uint32_t> grouped_occ(want_meta_ ? entry_count_ : 0);
  {
    std::vector<uint32_t> pos(start.begin(), start.end() - 1);
    ForEachEntry([&](size_t i, uint32_t term, uint32_t field, uint32_t ref) {
      const uint32_t k = pos[size_t(term) * F + field]++;
      grouped_ref[k] = ref;
      if (want_meta_) grouped_occ[k] = i < entry_occ_.size() ? entry_occ_[i].head : kNone;
    });
  }
  if (has_index_refs_) {
    // V8 key order: array-index refs first, ascending; the rest in add order
    // (sorted as pairs; only unusual refs like "0" or "42" come here).
    std::vector<std::pair<uint32_t, uint32_t>> grouped(entry_count_);
    for (size_t k = 0; k < grouped.size(); ++k) grouped[k] = {grouped_ref[k], want_meta_ ? grouped_occ[k] : kNone};
    for (size_t g = 0; g + 1 < start.size(); ++g) {
      auto b0 = grouped.begin() + start[g], e0 = grouped.begin() + start[g + 1];
      auto mid = std::stable_partition(b0, e0, [&](const auto& x) { return ref_index_value_[x.first] != kNone; });
      std::sort(b0, mid, [&](const auto& x, const auto& y) {
        return ref_index_value_[x.first] < ref_index_value_[y.first];
      });
    }
    for (size_t k = 0; k < grouped.size(); ++k) {
      grouped_ref[k] = grouped[k].first;
      if (want_meta_) grouped_occ[k] = grouped[k].second;
    }
  }

  std::vector<uint32_t> sorted(T);
  for (uint32_t t = 0; t < T; ++t) sorted[t] = t;
  {
    // JS default sort: UTF-16 code-unit order. Sort on a 4-unit prefix key
    // first, then break ties on the whole string.
    std::vector<uint64_t> key(T);
    for (uint32_t t = 0; t < T; ++t) {
      uint64_t k = 0;
      const std::u16string& w = terms_[t];
      for (size_t j = 0; j < 4; ++j) k = (k << 16) | (j < w.size() ? w[j] : 0);
      key[t] = k;
    }
    std::sort(sorted.begin(), sorted.end(), [&](uint32_t x, uint32_t y) {
      if (key[x] != key[y]) return key[x] < key[y];
      return terms_[x] < terms_[y];
    });
  }

  // `,"<field>":` per posting key and `,"<ref>":{}` per ref (metadata-free entry).
  std::vector<std::string> key_json(posting_keys_.size());
  size_t keys_bytes = 0;
  for (size_t k = 0; k < posting_keys_.size(); ++k) {
    key_json[k] = ",\"" + posting_keys_[k] + "\":";
    keys_bytes += key_json[k].size() + 2;
  }
  std::vector<std::string> ref_entry(R);
  size_t max_ref_entry = 0;
  for (size_t r = 0; r < R; ++r) {
    ref_entry[r] = ",\"" + ref_body[r] + "\":{}";
    max_ref_entry = std::max(max_ref_entry, ref_entry[r].size());
  }

  out.Put("],\"invertedIndex\":[");
  std::string scratch;
  for (size_t si = 0; si < T; ++si) {
    const uint32_t t = sorted[si];
    const std::u16string& term = terms_[t];
    const size_t term_entries = start[size_t(t) * F + F] - start[size_t(t) * F];
    // Room for the term (at most 6 bytes per unit escaped), every key, the
    // `_index` value and every metadata-free entry.
    char* q = out.Room(term.size() * 6 + 8 + keys_bytes + 12 + term_entries * max_ref_entry);
    if (si) *q++ = ',';
    *q++ = '[';
    *q++ = '"';
    {
      // Terms are nearly always printable ASCII without quotes or backslashes.
      size_t j = 0;
      for (; j < term.size(); ++j) {
        const char16_t c = term[j];
        if (c >= 0x80 || c < 0x20 || c == u'"' || c == u'\\') break;
        q[j] = static_cast<char>(c);
      }
      if (j == term.size()) {
        q += j;
      } else {
        scratch.clear();
        internal::AppendJsonString16(term, &scratch);
        q = Copy(q, std::string_view(scratch).substr(1, scratch.size() - 2));
      }
    }
    *q++ = '"';
    *q++ = ',';
    *q++ = '{';
    for (size_t k = 0; k < posting_keys_.size(); ++k) {
      const std::string_view key = key_json[k];
      q = Copy(q, k ? key : key.substr(1));
      const int fi = posting_key_field_[k];
      if (fi < 0) {
        q = std::to_chars(q, q + 12, t).ptr;
        continue;
      }
      const size_t g = size_t(t) * F + static_cast<size_t>(fi);
      *q++ = '{';
      if (meta_keys_.empty()) {
        for (uint32_t j = start[g]; j < start[g + 1]; ++j) {
          const std::string_view e = ref_entry[grouped_ref[j]];
          q = Copy(q, j != start[g] ? e : e.substr(1));
        }
        *q++ = '}';
        continue;
      }
      scratch.clear();
      AppendPostingMetadata(g, static_cast<size_t>(fi), start, grouped_ref, grouped_occ, ref_body, field_body,
                            &scratch);
      out.Done(q);
      out.Put(scratch);
      q = out.Room(keys_bytes + 16);
      *q++ = '}';
    }
    *q++ = '}';
    *q++ = ']';
    out.Done(q);
  }
  out.Put("],\"pipeline\":[\"stemmer\"]}");
  if (helper.joinable()) helper.join();
  if (sink != nullptr) {
    head.Flush();
    bool ok = head.ok() && (*sink)(out.View());
    if (sink_ok != nullptr) *sink_ok = ok;
    return std::string();
  }
  std::string text = head.Take();
  text.append(out.View());
  return text;
}

// The refs of one posting (term, field) with their metadata, without braces.
void Builder::AppendPostingMetadata(size_t g, size_t fi, const std::vector<uint32_t>& start,
                                    const std::vector<uint32_t>& grouped_ref,
                                    const std::vector<uint32_t>& grouped_occ,
                                    const std::vector<std::string>& ref_body,
                                    const std::vector<std::string>& field_body, std::string* outp) {
  std::string& out = *outp;
  for (uint32_t j = start[g]; j < start[g + 1]; ++j) {
    const uint32_t ref = grouped_ref[j], occ_head = grouped_occ[j];
    if (j != start[g]) out.push_back(',');
    out.push_back('"');
    out += ref_body[ref];
    out += "\":{";
    for (size_t m = 0; m < meta_keys_.size(); ++m) {
      if (m) out.push_back(',');
      internal::AppendJsonString(meta_keys_[m].first, &out);
      out += ":[";
      bool firstv = true;
      for (uint32_t o = occ_head; o != kNone; o = occs_[o].next) {
        const Occurrence& oc = occs_[o];
        for (int rep = 0; rep < meta_keys_[m].second; ++rep) {
          if (!firstv) out.push_back(',');
          firstv = false;
          switch (meta_kinds_[m]) {
            case MetaKey::kPosition:
              if (oc.from_array) {
                out += "null";
              } else {
                out.push_back('[');
                AppendUInt(oc.start, &out);
                out.push_back(',');
                AppendUInt(oc.length, &out);
                out.push_back(']');
              }
              break;
            case MetaKey::kIndex:
              if (oc.from_array) {
                out += "null";
              } else {
                AppendUInt(oc.index, &out);
              }
              break;
            case MetaKey::kFields:
              out += "[\"";
              out += field_body[fi];
              out += "\"]";
              break;
            case MetaKey::kOther:
              out += "null";
              break;
          }
        }
      }
      out.push_back(']');
    }
    out.push_back('}');
  }
}

}  // namespace

std::string BuildLunrIndex(const IndexSpec& spec, const std::vector<Document>& docs) {
  Builder b(spec);
  return b.Build(docs);
}

bool WriteLunrIndex(const IndexSpec& spec, std::vector<Document>&& docs, const IndexSink& sink) {
  Builder b(spec);
  bool ok = false;
  b.Build(docs, &sink, &ok, &docs);
  return ok;
}

namespace internal {

std::string BuildLunrIndexOnOneThread(const IndexSpec& spec, const std::vector<Document>& docs) {
  Builder b(spec, /*threads=*/false);
  return b.Build(docs);
}

}  // namespace internal

std::string LunrStem(const std::string& token) {
  return internal::Utf16ToUtf8(internal::Stem(internal::Utf8ToUtf16(token)));
}

}  // namespace dossier::search
