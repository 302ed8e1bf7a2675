// Shared helpers for the test suite: temporary folders, golden files, running
// the dossier binary.
#pragma once

#include <filesystem>
#include <string>

namespace dossier::test {

namespace fs = std::filesystem;

// A fresh folder under the system temp dir, removed on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }
  fs::path operator/(const std::string& rel) const { return path_ / rel; }

 private:
  fs::path path_;
};

std::string ReadFileOrDie(const fs::path& p);
void WriteFileOrDie(const fs::path& p, const std::string& data);
// Absolute path of a file under tests/data/.
fs::path DataPath(const std::string& rel);
// Absolute path of a file in the source tree.
fs::path SourcePath(const std::string& rel);
// Fills `dir` with the source tree's themes/ and, as seeds/, the 15 BBC
// articles of tests/data/corpus (they share people, places and related
// links). No dossier.yaml.
void MakeCorpusProject(const fs::path& dir);

// Compares `actual` with tests/golden/<name>. With UPDATE_GOLDEN=1 in the
// environment the golden file is (re)written instead and the check passes.
// Returns "" when equal, else a short diff description.
std::string CompareGolden(const std::string& name, const std::string& actual);

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};
// Runs the dossier binary with `args` (shell-quoted here) in `cwd`.
RunResult RunDossier(const std::string& args, const fs::path& cwd);

}  // namespace dossier::test
