// Private to cli/.
#pragma once

#include <string>

#include "config/config.h"
#include "core/core.h"
#include "pipeline/pipeline.h"

namespace dossier::cli {

enum ExitCode { kExitOk = 0, kExitError = 1, kExitUsage = 2, kExitInterrupted = 130 };

struct CommonFlags {
  std::string seeds, content, out, config;
  bool strict = false;
  bool quiet = false;
};

// Loads the config and resolves folders (flags win over the config file).
bool Setup(const CommonFlags& flags, config::SiteConfig* config, pipeline::BuildOptions* options, int* exit_code);

// Prints diagnostics to stderr (sorted); returns the number printed.
size_t PrintDiagnostics(core::Diagnostics* diagnostics, bool quiet);
void PrintError(const core::Status& status);

struct AnalyseFlags {
  std::string format = "jsonl";
  double summary_ratio = 0;
  int summary_sentences = 0;
};
int RunAnalyse(const CommonFlags& flags, const AnalyseFlags& analyse);

struct ServeFlags {
  int port = 1313;
  std::string bind = "127.0.0.1";
  std::string base_path = "/";
  bool open = false;
  bool poll = false;
  bool timings = false;
};
int RunServe(const CommonFlags& flags, const ServeFlags& serve);

}  // namespace dossier::cli
