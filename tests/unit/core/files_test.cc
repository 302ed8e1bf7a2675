// core: reading whole files, and the batch-heap set-up of `dossier index`.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <sstream>
#include <vector>

#include "core/core.h"
#include "support/test_support.h"

using dossier::core::ReadFile;
using dossier::core::Status;
using dossier::test::TempDir;
using dossier::test::WriteFileOrDie;

namespace {

// Runs `body` in a child process whose file-size limit is `max_file_bytes`
// (writes beyond it fail with EFBIG instead of raising SIGXFSZ) and returns
// its result (the child's exit code; -1 if it did not exit normally). Locals
// of `body` are destroyed before the child exits.
int InChildWithFileLimit(rlim_t max_file_bytes, const std::function<int()>& body) {
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit lim{max_file_bytes, max_file_bytes};
    setrlimit(RLIMIT_FSIZE, &lim);
    _exit(body());
  }
  int status = 0;
  if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

}  // namespace

TEST_CASE("core: ReadFile reads whole files of any size, and names the file when it cannot", "[core]") {
  TempDir dir;
  std::string big;
  for (int i = 0; big.size() < 3 * 1024 * 1024 + 17; ++i) big += "line " + std::to_string(i) + "\n";
  big.push_back('\0');
  big += "after a NUL";
  WriteFileOrDie(dir / "big.txt", big);
  WriteFileOrDie(dir / "empty.txt", "");
  std::string out = "stale";
  REQUIRE(ReadFile(dir / "big.txt", &out).ok());
  CHECK(out == big);
  REQUIRE(ReadFile(dir / "empty.txt", &out).ok());
  CHECK(out.empty());

  // stat() gives no size for /proc files: read until EOF.
  REQUIRE(ReadFile("/proc/self/status", &out).ok());
  CHECK(out.find("Name:") == 0);

  Status missing = ReadFile(dir / "missing.txt", &out);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.ToString().find("missing.txt") != std::string::npos);
  CHECK(missing.ToString().find("No such file") != std::string::npos);
  Status folder = ReadFile(dir.path(), &out);
  REQUIRE_FALSE(folder.ok());
  CHECK(folder.ToString().find("Is a directory") != std::string::npos);
}

// In a child process (the set-up is for the whole process and never undone):
// the heap must be advised for transparent huge pages (VmFlags "hg" in
// /proc/self/smaps), and allocations must still work.
TEST_CASE("core: PrepareBatchHeap advises huge pages for the malloc heap", "[core]") {
#if defined(__SANITIZE_ADDRESS__)
  SUCCEED("sanitizer builds bring their own allocator: PrepareBatchHeap is a no-op there");
#else
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    if (!dossier::core::PrepareBatchHeap(size_t(64) << 20)) _exit(3);
    std::vector<std::string> blocks;
    for (int i = 0; i < 64; ++i) blocks.emplace_back(size_t(256) << 10, static_cast<char>('a' + i % 26));
    for (int i = 0; i < 64; ++i)
      if (blocks[i][1000] != static_cast<char>('a' + i % 26)) _exit(4);
    std::ifstream smaps("/proc/self/smaps");
    std::string line;
    bool in_heap = false;
    while (std::getline(smaps, line)) {
      if (line.find("[heap]") != std::string::npos) in_heap = true;
      if (in_heap && line.rfind("VmFlags:", 0) == 0) {
        if (line.find(" hg") != std::string::npos) _exit(0);
        in_heap = false;  // the heap may be split in several mappings
      }
    }
    _exit(5);
  }
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  INFO("child exit code (3: not advised, 4: memory wrong, 5: no [heap] mapping with VmFlags hg)");
  CHECK(WEXITSTATUS(status) == 0);
#endif
}

TEST_CASE("core: AtomicFileWriter renames into place only on Commit and cleans up otherwise", "[core]") {
  TempDir dir;
  const auto target = dir / "out/index.json";
  WriteFileOrDie(dir / "keep.json", "old");
  {
    dossier::core::AtomicFileWriter w(target);
    REQUIRE(w.Open().ok());  // creates out/
    CHECK(w.Write("{\"a\":"));
    CHECK(w.Write("1}"));
    CHECK_FALSE(std::filesystem::exists(target));  // not before Commit
    REQUIRE(w.Commit().ok());
  }
  std::string out;
  REQUIRE(ReadFile(target, &out).ok());
  CHECK(out == "{\"a\":1}");
  CHECK(std::distance(std::filesystem::directory_iterator(dir / "out"), {}) == 1);

  {  // abandoned: the old file stays, no temporary file is left
    dossier::core::AtomicFileWriter w(dir / "keep.json");
    REQUIRE(w.Open().ok());
    CHECK(w.Write("half"));
  }
  REQUIRE(ReadFile(dir / "keep.json", &out).ok());
  CHECK(out == "old");
  CHECK(std::distance(std::filesystem::directory_iterator(dir.path()), {}) == 2);  // keep.json, out/

  // A folder that cannot be made (its parent is a file): Open names it.
  Status bad_parent = dossier::core::AtomicFileWriter(dir / "keep.json/x.json").Open();
  REQUIRE_FALSE(bad_parent.ok());
  CHECK(bad_parent.ToString().find("keep.json") != std::string::npos);

  // A write that fails (over RLIMIT_FSIZE, in a child process: EFBIG): Write
  // returns false, Commit reports the error, the target is not replaced and
  // no temporary file is left.
  CHECK(InChildWithFileLimit(8, [&]() -> int {
          dossier::core::AtomicFileWriter w(dir / "keep.json");
          if (!w.Open().ok()) return 3;
          if (!w.Write("1234")) return 4;
          if (w.Write("5678901234")) return 5;
          if (w.Write("more")) return 6;  // nothing after the first failure
          Status st = w.Commit();
          if (st.ok() || st.ToString().find("File too large") == std::string::npos) return 7;
          return 0;
        }) == 0);
  REQUIRE(ReadFile(dir / "keep.json", &out).ok());
  CHECK(out == "old");
  CHECK(std::distance(std::filesystem::directory_iterator(dir.path()), {}) == 2);
}

// A write that fails only when the data reaches the disk (small files are
// buffered) must report that error, not a stale errno of an earlier call.
TEST_CASE("core: WriteFile reports the error of the write that failed", "[core]") {
  TempDir dir;
  CHECK(InChildWithFileLimit(8, [&]() -> int {
          std::string out;
          (void)ReadFile(dir / "missing", &out);  // leaves errno = ENOENT behind
          Status st = dossier::core::WriteFile(dir / "small.html", std::string(100, 'x'));
          if (st.ok()) return 3;
          if (st.ToString().find("File too large") == std::string::npos) return 4;
          if (st.ToString().find("small.html") == std::string::npos) return 5;
          if (!dossier::core::WriteFile(dir / "tiny.txt", "1234").ok()) return 6;
          return 0;
        }) == 0);
}

TEST_CASE("core: WriteNewFile makes a new file, never writing through a hard link", "[core]") {
  TempDir dir;
  namespace fs = std::filesystem;
  // Creates its folders.
  REQUIRE(dossier::core::WriteNewFile(dir / "a/b/page.html", "one").ok());
  std::string text;
  REQUIRE(ReadFile(dir / "a/b/page.html", &text).ok());
  CHECK(text == "one");
  // A file that shares its inode with another path is replaced, not
  // rewritten: the other path keeps its bytes.
  fs::create_hard_link(dir / "a/b/page.html", dir / "old.html");
  REQUIRE(dossier::core::WriteNewFile(dir / "a/b/page.html", "two").ok());
  REQUIRE(ReadFile(dir / "a/b/page.html", &text).ok());
  CHECK(text == "two");
  REQUIRE(ReadFile(dir / "old.html", &text).ok());
  CHECK(text == "one");
  // A folder where a parent should be: the error names the file or folder.
  WriteFileOrDie(dir / "plain", "x");
  Status st = dossier::core::WriteNewFile(dir / "plain/page.html", "three");
  CHECK(!st.ok());
  CHECK(st.ToString().find("plain") != std::string::npos);
}

TEST_CASE("core: LinkNewFile links in place of what was there, or says it cannot", "[core]") {
  TempDir dir;
  namespace fs = std::filesystem;
  WriteFileOrDie(dir / "prev/page.html", "old site");
  WriteFileOrDie(dir / "next/page.html", "stale");
  // Replaces the stale file, and creates missing folders.
  CHECK(dossier::core::LinkNewFile(dir / "prev/page.html", dir / "next/page.html"));
  CHECK(dossier::core::LinkNewFile(dir / "prev/page.html", dir / "next/deep/er/page.html"));
  std::string text;
  REQUIRE(ReadFile(dir / "next/page.html", &text).ok());
  CHECK(text == "old site");
  CHECK(fs::hard_link_count(dir / "prev/page.html") == 3);
  // No target: false, and nothing is made.
  CHECK(!dossier::core::LinkNewFile(dir / "prev/gone.html", dir / "next/gone.html"));
  CHECK(!fs::exists(dir / "next/gone.html"));
}
