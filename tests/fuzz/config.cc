// Fuzzes dossier.yaml parsing: any text must give a config or an error.
#include <cstddef>
#include <cstdint>
#include <string>

#include "config/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  dossier::config::SiteConfig config;
  (void)dossier::config::Parse(text, "dossier.yaml", &config);
  return 0;
}
