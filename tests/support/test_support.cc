#include "support/test_support.h"

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

namespace dossier::test {

TempDir::TempDir() {
  static std::atomic<int> counter{0};
  std::random_device rd;
  for (int attempt = 0; attempt < 100; ++attempt) {
    fs::path p = fs::temp_directory_path() /
                 ("dossier-test-" + std::to_string(getpid()) + "-" + std::to_string(counter++) + "-" +
                  std::to_string(rd() % 100000));
    std::error_code ec;
    if (fs::create_directories(p, ec)) {
      path_ = p;
      return;
    }
  }
  throw std::runtime_error("cannot create a temporary folder");
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::string ReadFileOrDie(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFileOrDie(const fs::path& p, const std::string& data) {
  if (p.has_parent_path()) fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary);
  if (!out) throw std::runtime_error("cannot write " + p.string());
  out << data;
}

fs::path DataPath(const std::string& rel) { return fs::path(DOSSIER_TEST_DATA) / rel; }
fs::path SourcePath(const std::string& rel) { return fs::path(DOSSIER_SOURCE_DIR) / rel; }

void MakeCorpusProject(const fs::path& dir) {
  fs::copy(SourcePath("themes"), dir / "themes", fs::copy_options::recursive);
  fs::create_directories(dir / "seeds");
  for (const auto& e : fs::directory_iterator(DataPath("corpus")))
    fs::copy_file(e.path(), dir / "seeds" / e.path().filename());
}

std::string CompareGolden(const std::string& name, const std::string& actual) {
  fs::path p = fs::path(DOSSIER_SOURCE_DIR) / "tests" / "golden" / name;
  const char* update = std::getenv("UPDATE_GOLDEN");
  if (update && std::string(update) == "1") {
    WriteFileOrDie(p, actual);
    return "";
  }
  if (!fs::exists(p)) return "golden file missing: " + p.string() + " (run with UPDATE_GOLDEN=1)";
  std::string expected = ReadFileOrDie(p);
  if (expected == actual) return "";
  size_t i = 0;
  while (i < expected.size() && i < actual.size() && expected[i] == actual[i]) ++i;
  size_t from = i > 60 ? i - 60 : 0;
  return "differs from " + p.string() + " at byte " + std::to_string(i) + "\nexpected: ..." +
         expected.substr(from, 160) + "\nactual:   ..." + actual.substr(from, 160) +
         "\n(review, then UPDATE_GOLDEN=1 to accept)";
}

static std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

RunResult RunDossier(const std::string& args, const fs::path& cwd) {
  TempDir tmp;
  fs::path out = tmp / "out", err = tmp / "err";
  std::string cmd = "cd " + Quote(cwd.string()) + " && " + Quote(DOSSIER_BINARY) + " " + args + " >" +
                    Quote(out.string()) + " 2>" + Quote(err.string()) + " </dev/null";
  int rc = std::system(cmd.c_str());
  RunResult r;
  r.exit_code = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  r.out = ReadFileOrDie(out);
  r.err = ReadFileOrDie(err);
  return r;
}

}  // namespace dossier::test
