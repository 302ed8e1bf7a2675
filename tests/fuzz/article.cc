// Fuzzes the raw-article parser: any bytes must give an Article or a
// diagnostic, never a crash, hang or sanitizer report.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ingest/ingest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  dossier::ingest::IngestOptions options;
  dossier::ingest::Article article;
  dossier::core::Diagnostics diagnostics;
  (void)dossier::ingest::ParseArticle(bytes, "fuzz/article.txt", "seeds/fuzz/article.txt", options, &article,
                                      &diagnostics);
  return 0;
}
