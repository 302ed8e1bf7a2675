// Helpers shared by the serve tests: a small project on disk and an
// in-process DevServer on an ephemeral loopback port.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "serve/serve.h"
#include "support/test_support.h"

namespace dossier::serve::testing {

namespace fs = std::filesystem;
using dossier::test::ReadFileOrDie;
using dossier::test::SourcePath;
using dossier::test::WriteFileOrDie;

// themes/, dossier.yaml, seeds/ and the hand-written content pages of the
// source tree (no generated briefings).
inline void MakeProject(const fs::path& dir) {
  fs::copy(SourcePath("themes"), dir / "themes", fs::copy_options::recursive);
  fs::copy_file(SourcePath("dossier.yaml"), dir / "dossier.yaml");
  fs::copy(SourcePath("seeds"), dir / "seeds", fs::copy_options::recursive);
  fs::create_directories(dir / "content");
  for (const char* page : {"content/about.md", "content/_index.md"})
    if (fs::exists(SourcePath(page))) fs::copy_file(SourcePath(page), dir / page);
}

inline LoadFunction LoaderFor(const fs::path& dir) {
  return [dir](config::SiteConfig* c, pipeline::BuildOptions* o) {
    fs::path cfg = dir / "dossier.yaml";
    core::Status st = config::Load(cfg.string(), false, c);
    if (!st.ok()) return st;
    *o = pipeline::OptionsFromConfig(*c, dir);
    o->quiet = true;
    return core::Status::Ok();
  };
}

inline ServeOptions OptionsFor(const fs::path& dir, const std::string& base = "/") {
  ServeOptions o;
  o.port = 0;
  o.base_path = base;
  o.debounce_ms = 50;
  o.config_file = dir / "dossier.yaml";
  o.load = LoaderFor(dir);
  return o;
}

// Waits until no build has finished for `quiet` (after at least `min_builds`).
inline bool Settle(const DevServer& s, size_t min_builds,
                   std::chrono::milliseconds quiet = std::chrono::milliseconds(400)) {
  if (!s.WaitForBuilds(min_builds, std::chrono::seconds(10))) return false;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  size_t seen = s.builds_finished();
  while (std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(quiet);
    size_t now = s.builds_finished();
    if (now == seen) return true;
    seen = now;
  }
  return false;
}

inline std::map<std::string, std::string> Tree(const fs::path& root) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.is_regular_file()) files[e.path().lexically_relative(root).generic_string()] = ReadFileOrDie(e.path());
  return files;
}

}  // namespace dossier::serve::testing
