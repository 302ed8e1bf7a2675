// Faults during a build: an output folder that cannot be written, a full
// disk, an interrupted build (SIGINT/SIGTERM), and a second concurrent
// build of the same project. Each must give a clear error and leave the
// previous site/ and every content/ file whole.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <thread>

#include "support/test_support.h"

using dossier::test::ReadFileOrDie;
using dossier::test::RunDossier;
using dossier::test::SourcePath;
using dossier::test::TempDir;
using dossier::test::WriteFileOrDie;
namespace fs = std::filesystem;

namespace {

void MakeProject(const fs::path& dir) {
  fs::create_directories(dir);
  fs::copy(SourcePath("themes"), dir / "themes", fs::copy_options::recursive);
  fs::copy_file(SourcePath("dossier.yaml"), dir / "dossier.yaml");
  fs::create_directories(dir / "seeds");
  fs::create_directories(dir / "content");
  fs::copy(SourcePath("seeds"), dir / "seeds", fs::copy_options::recursive);
  fs::copy_file(SourcePath("content/about.md"), dir / "content/about.md");
  fs::copy_file(SourcePath("content/_index.md"), dir / "content/_index.md");
}

std::map<std::string, std::string> Tree(const fs::path& root) {
  std::map<std::string, std::string> files;
  std::error_code ec;
  if (!fs::exists(root, ec)) return files;
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.is_regular_file()) files[e.path().lexically_relative(root).generic_string()] = ReadFileOrDie(e.path());
  return files;
}

// `n` generated articles of a few sentences each, varied enough to give
// entities and related links.
void AddArticles(const fs::path& seeds, int n, int sentences = 6) {
  static const char* kNames[] = {"Anna Petrova", "John Smith", "Li Wei", "Maria Garcia", "Ahmed Khan",
                                 "Olga Ivanova", "Peter Brown", "Chen Jing", "Sara Cohen", "Tom Walker"};
  static const char* kPlaces[] = {"Moscow", "Beijing", "Geneva", "Paris", "Cairo", "Lima", "Oslo", "Delhi"};
  for (int i = 0; i < n; ++i) {
    std::string text = "Talks number " + std::to_string(i) + " in " + kPlaces[i % 8] + "\n\nBy " + kNames[i % 10] +
                       "\n\n";
    for (int s = 0; s < sentences; ++s)
      text += std::string(kNames[(i + s) % 10]) + " met officials in " + kPlaces[(i * 3 + s) % 8] +
              " on Tuesday to discuss trade item " + std::to_string((i * 7 + s) % 97) + ". ";
    text += "\n";
    char name[32];
    std::snprintf(name, sizeof name, "gen/%05d.txt", i);
    WriteFileOrDie(seeds / name, text);
  }
}

// Leftovers of an unfinished build anywhere in the project.
std::vector<std::string> Leftovers(const fs::path& project) {
  std::vector<std::string> found;
  for (const auto& e : fs::recursive_directory_iterator(project)) {
    std::string n = e.path().filename().string();
    if (n.find(".tmp-") != std::string::npos || n.find(".old-") != std::string::npos ||
        n.find(".dossier-tmp-") != std::string::npos)
      found.push_back(e.path().lexically_relative(project).generic_string());
  }
  return found;
}

// Starts `dossier build` in `dir`, stderr to `err`; returns the pid.
pid_t StartBuild(const fs::path& dir, const fs::path& err, const std::string& extra = "") {
  pid_t pid = fork();
  if (pid == 0) {
    if (chdir(dir.c_str()) != 0) _exit(127);
    int fd = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      dup2(fd, 2);
      dup2(fd, 1);
    }
    if (extra.empty()) execl(DOSSIER_BINARY, "dossier", "build", static_cast<char*>(nullptr));
    else execl(DOSSIER_BINARY, "dossier", "build", extra.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

int WaitExit(pid_t pid, double timeout_s) {
  auto start = std::chrono::steady_clock::now();
  for (;;) {
    int status = 0;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (std::chrono::steady_clock::now() - start > std::chrono::duration<double>(timeout_s)) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

bool HasTempSite(const fs::path& project) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(project, ec))
    if (e.path().filename().string().rfind(".site.tmp-", 0) == 0) return true;
  return false;
}

// True when this process may make a private mount namespace with a tmpfs
// (root in CI; not in every container).
bool CanMountTmpfs() {
  return std::system("unshare -m sh -c 'd=$(mktemp -d) && mount -t tmpfs -o size=1m tmpfs \"$d\" && umount \"$d\"; "
                     "rc=$?; rmdir \"$d\" 2>/dev/null; exit $rc' >/dev/null 2>&1") == 0;
}

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

TEST_CASE("reliability: --out under a regular file fails clearly, the previous site stays", "[reliability][faults]") {
  TempDir t;
  MakeProject(t.path());
  REQUIRE(RunDossier("build -q", t.path()).exit_code == 0);
  auto before = Tree(t / "site");
  WriteFileOrDie(t / "blocker", "a regular file where a folder is expected\n");
  auto r = RunDossier("build --out blocker/site", t.path());
  INFO(r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("blocker") != std::string::npos);
  CHECK(r.err.find("Not a directory") != std::string::npos);
  CHECK(r.err.find("build failed; the previous site was left as it was") != std::string::npos);
  CHECK(Tree(t / "site") == before);
  CHECK(ReadFileOrDie(t / "blocker") == "a regular file where a folder is expected\n");
  CHECK(Leftovers(t.path()).empty());
}

TEST_CASE("reliability: --out inside /proc fails clearly", "[reliability][faults]") {
  TempDir t;
  MakeProject(t.path());
  auto r = RunDossier("build --out /proc/self/dossier-site", t.path());
  INFO(r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("/proc/self") != std::string::npos);
  CHECK(Leftovers(t.path()).empty());
}

TEST_CASE("reliability: a read-only output file system fails clearly, the previous site stays",
          "[reliability][faults]") {
  if (!CanMountTmpfs()) {
    WARN("cannot mount a tmpfs here (not root, or no mount namespace); test skipped");
    return;
  }
  TempDir t;
  MakeProject(t / "p");
  fs::create_directories(t / "mnt");
  // Inside a private mount namespace: build into a tmpfs, make it read-only,
  // build again with one more article, record what happened.
  std::string script = "set -e; cd " + Quote((t / "p").string()) + "; mount -t tmpfs -o size=16m tmpfs " +
                       Quote((t / "mnt").string()) + "; " + Quote(DOSSIER_BINARY) +
                       " build -q --out ../mnt/site; (cd ../mnt && find site -type f -exec md5sum {} + | sort) > ../before; "
                       "printf 'Another headline\\n\\nMore text here. Officials agreed.\\n' > seeds/another.txt; "
                       "mount -o remount,ro " + Quote((t / "mnt").string()) + "; set +e; " + Quote(DOSSIER_BINARY) +
                       " build --out ../mnt/site 2> ../err; echo $? > ../rc; "
                       "(cd ../mnt && find site -type f -exec md5sum {} + | sort) > ../after; ls -a ../mnt > ../listing";
  REQUIRE(std::system(("unshare -m sh -c " + Quote(script)).c_str()) == 0);
  std::string err = ReadFileOrDie(t / "err");
  INFO(err);
  CHECK(ReadFileOrDie(t / "rc") == "1\n");
  CHECK(err.find("Read-only file system") != std::string::npos);
  CHECK(err.find("mnt") != std::string::npos);
  CHECK(err.find("build failed; the previous site was left as it was") != std::string::npos);
  CHECK(ReadFileOrDie(t / "before").size() > 100);
  CHECK(ReadFileOrDie(t / "after") == ReadFileOrDie(t / "before"));
  // content/ is on a writable disk: the new briefing was written whole.
  CHECK(fs::exists(t / "p/content/briefings/another-headline.md"));
  CHECK(Leftovers(t / "p").empty());
}

TEST_CASE("reliability: a full disk fails clearly, the previous site stays and no temporary folder is left",
          "[reliability][faults]") {
  if (!CanMountTmpfs()) {
    WARN("cannot mount a tmpfs here (not root, or no mount namespace); test skipped");
    return;
  }
  TempDir t;
  MakeProject(t / "p");
  fs::create_directories(t / "mnt");
  AddArticles(t / "p/seeds-more", 400);
  std::string script = "set -e; cd " + Quote((t / "p").string()) + "; mount -t tmpfs -o size=2m tmpfs " +
                       Quote((t / "mnt").string()) + "; " + Quote(DOSSIER_BINARY) +
                       " build -q --out ../mnt/site; (cd ../mnt && find site -type f -exec md5sum {} + | sort) > ../before; "
                       "df -k ../mnt | tail -1 > ../df; "
                       "mv seeds-more/gen seeds/gen; set +e; " + Quote(DOSSIER_BINARY) +
                       " build --out ../mnt/site 2> ../err; echo $? > ../rc; "
                       "(cd ../mnt && find site -type f -exec md5sum {} + | sort) > ../after; ls -A ../mnt > ../listing";
  REQUIRE(std::system(("unshare -m sh -c " + Quote(script)).c_str()) == 0);
  std::string err = ReadFileOrDie(t / "err");
  INFO(err << "\ndf: " << ReadFileOrDie(t / "df"));
  CHECK(ReadFileOrDie(t / "rc") == "1\n");
  CHECK(err.find("No space left on device") != std::string::npos);
  CHECK(err.find("build failed; the previous site was left as it was") != std::string::npos);
  CHECK(ReadFileOrDie(t / "before").size() > 100);
  CHECK(ReadFileOrDie(t / "after") == ReadFileOrDie(t / "before"));
  CHECK(ReadFileOrDie(t / "listing") == "site\n");
  CHECK(Leftovers(t / "p").empty());
}

TEST_CASE("reliability: SIGINT or SIGTERM mid-build exits 130, no half-written site/ or content/ file",
          "[reliability][faults][signals]") {
  for (int sig : {SIGINT, SIGTERM}) {
    {
      // SIGINT once rendering has begun, SIGTERM early (ingest/analysis).
      const bool during_render = sig == SIGINT;
      DYNAMIC_SECTION((sig == SIGINT ? "SIGINT" : "SIGTERM") << (during_render ? " while rendering" : " early")) {
        TempDir t;
        MakeProject(t.path());
        REQUIRE(RunDossier("build -q", t.path()).exit_code == 0);
        auto site_before = Tree(t / "site");
        AddArticles(t / "seeds", 2000);
        fs::remove(t / ".dossier.lock");  // not held: the first build has ended
        pid_t pid = StartBuild(t.path(), t / "err");
        auto start = std::chrono::steady_clock::now();
        if (during_render) {
          // Wait for the temporary site folder: rendering has begun.
          while (!HasTempSite(t.path()) && std::chrono::steady_clock::now() - start < std::chrono::seconds(120))
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
          REQUIRE(HasTempSite(t.path()));
        } else {
          // Wait for the build to take its lock (the handler is installed
          // by then; a signal before that ends the process before it has
          // written anything), then signal during ingest/analysis.
          while (!fs::exists(t / ".dossier.lock") && std::chrono::steady_clock::now() - start < std::chrono::seconds(60))
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
          REQUIRE(fs::exists(t / ".dossier.lock"));
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        REQUIRE(kill(pid, sig) == 0);
        auto signalled = std::chrono::steady_clock::now();
        int rc = WaitExit(pid, 120);
        double stop_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - signalled).count();
        std::string err = ReadFileOrDie(t / "err");
        INFO(err.substr(0, 2000) << "\nstopped " << stop_s << " s after the signal");
        CHECK(rc == 130);
        CHECK(err.find("interrupted") != std::string::npos);
        CHECK(Tree(t / "site") == site_before);
        CHECK(Leftovers(t.path()).empty());
        // Every briefing written so far is whole (ends with its body's newline
        // and has its front matter); none is truncated.
        for (const auto& [rel, text] : Tree(t / "content/briefings")) {
          INFO(rel);
          CHECK(text.rfind("---\n", 0) == 0);
          CHECK(!text.empty());
          CHECK(text.back() == '\n');
        }
        // The next build completes normally.
        auto again = RunDossier("build -q", t.path());
        INFO(again.err);
        CHECK(again.exit_code == 0);
        CHECK(fs::exists(t / "site/briefings/talks-number-1999-in-delhi.html"));
      }
    }
  }
}

TEST_CASE("reliability: a second concurrent build is refused by the lock, the first completes",
          "[reliability][faults][lock]") {
  TempDir t;
  MakeProject(t.path());
  AddArticles(t / "seeds", 2000);
  pid_t first = StartBuild(t.path(), t / "err1");
  auto start = std::chrono::steady_clock::now();
  while (!fs::exists(t / ".dossier.lock") && std::chrono::steady_clock::now() - start < std::chrono::seconds(30))
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  REQUIRE(fs::exists(t / ".dossier.lock"));
  auto second = RunDossier("build", t.path());
  int rc1 = WaitExit(first, 300);
  std::string err1 = ReadFileOrDie(t / "err1");
  INFO("first:\n" << err1.substr(0, 2000) << "\nsecond:\n" << second.err);
  CHECK(second.exit_code == 1);
  CHECK(second.err.find("another dossier build is running in this project (lock ") != std::string::npos);
  CHECK(rc1 == 0);
  CHECK(Leftovers(t.path()).empty());
  auto check = RunDossier("check -q", t.path());
  CHECK(check.exit_code == 0);
  // A lock file left behind by a finished (or killed) build never blocks.
  REQUIRE(fs::exists(t / ".dossier.lock"));
  CHECK(RunDossier("build -q", t.path()).exit_code == 0);
}

TEST_CASE("reliability: a build killed with SIGKILL leaves the previous site, the next build cleans up",
          "[reliability][faults][signals]") {
  TempDir t;
  MakeProject(t.path());
  REQUIRE(RunDossier("build -q", t.path()).exit_code == 0);
  auto site_before = Tree(t / "site");
  AddArticles(t / "seeds", 2000);
  pid_t pid = StartBuild(t.path(), t / "err");
  auto start = std::chrono::steady_clock::now();
  while (!HasTempSite(t.path()) && std::chrono::steady_clock::now() - start < std::chrono::seconds(120))
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  REQUIRE(HasTempSite(t.path()));
  kill(pid, SIGKILL);
  WaitExit(pid, 30);
  CHECK(Tree(t / "site") == site_before);
  // Nothing can run on SIGKILL: the temporary folder stays until the next
  // build, which ignores and removes stale ones.
  auto again = RunDossier("build -q", t.path());
  INFO(again.err);
  CHECK(again.exit_code == 0);
  CHECK(Leftovers(t.path()).empty());
}
