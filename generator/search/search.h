// search: builds a lunr 2.3.9 search index natively, byte-compatible with
// `JSON.stringify(idx)` of an index built by lunr.js with the same documents
// (see docs/formats/search-index.md). Knows nothing of themes or pages.
// Pure: no I/O.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/core.h"

namespace dossier::search {

struct Field {
  std::string name;
  double boost = 1;
};

// One value of a document field, as lunr's tokenizer sees it.
struct FieldValue {
  enum class Kind { kString, kArray, kNull } kind = Kind::kString;
  std::string text;                // kString (already String(value) for numbers/booleans)
  std::vector<std::string> items;  // kArray: each element String(el)
};

struct Document {
  std::string ref;
  std::vector<FieldValue> fields;  // one per IndexSpec::fields, same order
  double boost = 1;                // builder.add(doc, {boost})
};

struct IndexSpec {
  std::vector<Field> fields;
  double b = 0.75;
  double k1 = 1.2;
  std::vector<std::string> metadata_whitelist;  // e.g. {"position"}
};

// The serialised index (UTF-8 JSON, no whitespace), exactly as lunr 2.3.9
// would write it for the same documents added in the same order.
std::string BuildLunrIndex(const IndexSpec& spec, const std::vector<Document>& docs);

// The same text passed to `sink` in pieces, in order (pieces of ~256 KiB
// while the field vectors are written, then the inverted index in one), so
// that a caller writing a file never holds the whole text. A sink returns
// false on failure; later pieces are then not passed. Returns whether every
// call succeeded. The sink may be called from a helper thread (never from
// two threads at once). `docs` are consumed: freed once indexed, before the
// text is written (which reuses their memory).
using IndexSink = std::function<bool(std::string_view piece)>;
bool WriteLunrIndex(const IndexSpec& spec, std::vector<Document>&& docs, const IndexSink& sink);

// The DOCS_JSON consumed by the lunr oracle: {"ref":"id","fields":[...],
// "documents":[...], ...} for the same inputs.
std::string DocsJson(const IndexSpec& spec, const std::vector<Document>& docs);

// Parses a DOCS_JSON (the oracle's input format) into spec + documents.
core::Status ParseDocsJson(const std::string& json, const std::string& path, IndexSpec* spec,
                           std::vector<Document>* docs);
// The same, parsing the text of the file `path` in place: *json is
// overwritten (no copy of it is made); on a JSON syntax error the file is
// read again for the line and column of the message.
core::Status ParseDocsJsonInPlace(std::string* json, const std::string& path, IndexSpec* spec,
                                  std::vector<Document>* docs);

// lunr's stemmer (lunr.stemmer), for tests and the query side.
std::string LunrStem(const std::string& token);

}  // namespace dossier::search
