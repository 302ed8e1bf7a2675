// Fuzzes the sentence splitter on one paragraph, then the whole analysis of
// one document made of the input's lines (title = first line).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "analyse/analyse.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  std::string text(reinterpret_cast<const char*>(data), size);
  (void)dossier::analyse::SplitSentences(text);
  dossier::analyse::Document doc;
  doc.id = "fuzz";
  size_t start = 0;
  bool first = true;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    std::string line = text.substr(start, nl - start);
    if (first) doc.title = line;
    else if (!line.empty()) doc.paragraphs.push_back(line);
    first = false;
    start = nl + 1;
  }
  dossier::analyse::AnalyseOptions options;
  options.threads = 1;
  dossier::core::Diagnostics diagnostics;
  (void)dossier::analyse::Analyse({doc}, options, &diagnostics);
  return 0;
}
