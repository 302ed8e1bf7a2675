// Fuzzes Markdown rendering with Dossier's options (the ones the site uses),
// and checks that no raw HTML or script URL gets through.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "markdown/markdown.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 256 * 1024) return 0;
  std::string text(reinterpret_cast<const char*>(data), size);
  dossier::markdown::MarkdownOptions options;  // as pipeline/site.cc
  auto r = dossier::markdown::Render(text, options);
  // Invariant: CMARK_OPT_UNSAFE is never set, so no <script> element and no
  // javascript: link can come out of content.
  if (r.html.find("<script") != std::string::npos) std::abort();
  if (r.html.find("href=\"javascript:") != std::string::npos) std::abort();
  (void)dossier::markdown::EscapeText(text);
  return 0;
}
