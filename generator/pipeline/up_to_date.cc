// The "nothing changed" check behind warm builds: a fingerprint of every
// input (paths, sizes and modification times of seeds, content pages, theme
// and override files; the config; the folders; Dossier's version) taken at
// the end of a successful build (and the dossier executable's), with the warnings it printed. A build whose
// inputs still have that fingerprint has nothing to do; it replays the
// warnings and leaves content/ and site/ as they are.
#include <sys/stat.h>

#include <algorithm>

#include "pipeline/pipeline_internal.h"

namespace dossier::pipeline {
namespace {

std::string StatLine(const fs::path& p) {
  struct stat st;
  if (::stat(p.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return "";
  return core::GenericString(p) + " " + std::to_string(st.st_size) + " " + std::to_string(st.st_mtim.tv_sec) + "." +
         std::to_string(st.st_mtim.tv_nsec) + "\n";
}

// One line per regular file under `dir` (or for `dir` itself if a file).
void AddTree(const fs::path& dir, std::string* out) {
  std::error_code ec;
  std::vector<std::string> lines;
  if (!fs::is_directory(dir, ec)) {
    *out += "[" + core::GenericString(dir) + "]\n" + StatLine(dir);
    return;
  }
  for (fs::recursive_directory_iterator it(dir, fs::directory_options::follow_directory_symlink, ec), end; it != end;
       it.increment(ec)) {
    if (ec) break;
    std::string line = StatLine(it->path());
    if (!line.empty()) lines.push_back(std::move(line));
  }
  std::sort(lines.begin(), lines.end());
  *out += "[" + core::GenericString(dir) + "]\n";
  for (const auto& l : lines) *out += l;
}

fs::path CacheFile(const BuildOptions& o) { return o.project_dir / ".dossier-cache" / "build-inputs"; }

}  // namespace

std::string InputFingerprint(const config::SiteConfig& config, const BuildOptions& o) {
  std::string text = std::string("dossier ") + DOSSIER_VERSION_STRING + "\n";
  std::string cfg;
  text += "config " + config.title + "|" + config.theme + "|" + config.base_url + "\n";
  text += "seeds " + core::GenericString(o.seeds_dir) + "\ncontent " + core::GenericString(o.content_dir) +
          "\nout " + core::GenericString(o.out_dir) + "\n";
  for (const char* name : {"dossier.yaml"}) AddTree(o.project_dir / name, &text);
  AddTree(o.seeds_dir, &text);
  AddTree(o.content_dir, &text);
  AddTree(o.project_dir / "themes" / config.theme, &text);
  AddTree(o.project_dir / "templates", &text);
  AddTree(o.out_dir / ".dossier-site", &text);
  AddTree(DOSSIER_LUNR_JS, &text);
  // The program itself: a rebuilt or upgraded dossier may write other output.
  text += "[exe]\n" + ExecutableStamp();
  return core::HashHex(text) + " " + std::to_string(text.size());
}

std::string ExecutableStamp() {
  fs::path exe = core::ExecutablePath();
  return exe.empty() ? std::string() : StatLine(exe);
}

bool UpToDate(const std::string& fingerprint, const BuildOptions& o, core::Diagnostics* diagnostics) {
  std::string text;
  if (!core::ReadFile(CacheFile(o), &text).ok()) return false;
  auto lines = core::SplitLines(text);
  if (lines.empty() || lines[0] != fingerprint) return false;
  for (size_t i = 1; i < lines.size(); ++i) {
    // severity \t path \t line \t column \t message
    std::vector<std::string> f;
    size_t start = 0;
    for (int k = 0; k < 4; ++k) {
      size_t tab = lines[i].find('\t', start);
      if (tab == std::string::npos) return false;
      f.push_back(lines[i].substr(start, tab - start));
      start = tab + 1;
    }
    core::SourceLocation loc{f[1], std::atoi(f[2].c_str()), std::atoi(f[3].c_str())};
    if (f[0] == "E") diagnostics->Error(loc, lines[i].substr(start));
    else diagnostics->Warn(loc, lines[i].substr(start));
  }
  return true;
}

void RecordBuild(const std::string& fingerprint, const BuildOptions& o, const core::Diagnostics& diagnostics) {
  std::string text = fingerprint + "\n";
  for (const auto& d : diagnostics.items()) {
    std::string msg = d.message;
    std::replace(msg.begin(), msg.end(), '\n', ' ');
    text += std::string(d.severity == core::Severity::kError ? "E" : "W") + "\t" + d.location.path + "\t" +
            std::to_string(d.location.line) + "\t" + std::to_string(d.location.column) + "\t" + msg + "\n";
  }
  (void)core::WriteFileAtomic(CacheFile(o), text);
}

void ForgetBuild(const BuildOptions& o) {
  std::error_code ec;
  fs::remove(CacheFile(o), ec);
}

}  // namespace dossier::pipeline
