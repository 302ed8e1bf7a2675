// Fuzzes the content/ page format (front matter + Markdown body), and the
// round trip of a parsed page through Serialize.
#include <cstddef>
#include <cstdint>
#include <string>

#include "compose/compose.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  dossier::compose::Page page;
  if (!dossier::compose::ParsePage(text, "content/fuzz.md", &page).ok()) return 0;
  (void)dossier::compose::ClassifyFile(text);
  std::string again = dossier::compose::Serialize(page, true);
  dossier::compose::Page reparsed;
  (void)dossier::compose::ParsePage(again, "content/fuzz.md", &reparsed);
  return 0;
}
