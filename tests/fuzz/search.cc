// Fuzzes the search tokenizer, stemmer and index writer: one document whose
// fields are the input split at '\x01' (title, summary, entities, body, as
// the site uses them), and LunrStem on every whitespace-separated token.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "search/search.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  std::string text(reinterpret_cast<const char*>(data), size);
  dossier::search::IndexSpec spec;
  spec.fields = {{"title", 10}, {"summary", 4}, {"entities", 3}, {"body", 1}};
  dossier::search::Document doc;
  doc.ref = "b000000";
  size_t start = 0;
  for (int f = 0; f < 4; ++f) {
    size_t end = f == 3 ? std::string::npos : text.find('\x01', start);
    dossier::search::FieldValue v;
    if (start <= text.size()) v.text = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    doc.fields.push_back(v);
    start = end == std::string::npos ? text.size() + 1 : end + 1;
  }
  (void)dossier::search::BuildLunrIndex(spec, {doc});
  size_t p = 0;
  while (p < text.size()) {
    size_t q = text.find_first_of(" \t\n", p);
    if (q == std::string::npos) q = text.size();
    if (q > p) (void)dossier::search::LunrStem(text.substr(p, q - p));
    p = q + 1;
  }
  return 0;
}
