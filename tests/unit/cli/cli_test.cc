// End-to-end tests of the dossier binary on temporary projects.
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <httplib.h>

#include <chrono>
#include <cstdlib>
#include <map>

#include "support/test_support.h"

using dossier::test::ReadFileOrDie;
using dossier::test::RunDossier;
using dossier::test::SourcePath;
using dossier::test::TempDir;
using dossier::test::WriteFileOrDie;
namespace fs = std::filesystem;

namespace {

// A project with the bundled seeds, the default theme and the config.
void MakeProject(const fs::path& dir, bool with_seeds = true) {
  fs::copy(SourcePath("themes"), dir / "themes", fs::copy_options::recursive);
  fs::copy_file(SourcePath("dossier.yaml"), dir / "dossier.yaml");
  fs::create_directories(dir / "seeds");
  fs::create_directories(dir / "content");
  if (with_seeds) fs::copy(SourcePath("seeds"), dir / "seeds", fs::copy_options::recursive);
  fs::copy_file(SourcePath("content/about.md"), dir / "content/about.md");
  fs::copy_file(SourcePath("content/_index.md"), dir / "content/_index.md");
}

std::map<std::string, std::string> Tree(const fs::path& root) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.is_regular_file()) files[e.path().lexically_relative(root).generic_string()] = ReadFileOrDie(e.path());
  return files;
}

size_t Count(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("cli: build writes a briefing per seed and an index page", "[cli][e2e]") {
  TempDir t;
  MakeProject(t.path());
  auto r = RunDossier("build", t.path());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(fs::exists(t / "site/index.html"));
  CHECK(fs::exists(t / "site/briefings/how-cozy-is-russia-and-chinas-military-relationship.html"));
  CHECK(fs::exists(t / "site/briefings/china-and-russia-will-hold-their-first-joint-computer.html"));
  CHECK(fs::exists(t / "content/briefings/how-cozy-is-russia-and-chinas-military-relationship.md"));
  CHECK(fs::exists(t / "site/about.html"));
  CHECK(fs::exists(t / "site/search-index.json"));
  CHECK(fs::exists(t / "site/assets/lunr.min.js"));
  CHECK(fs::exists(t / "site/.nojekyll"));
  CHECK(r.err.find("built 2 briefings") != std::string::npos);
}

TEST_CASE("cli: two builds give byte-identical content/ and site/", "[cli][e2e][determinism]") {
  TempDir t;
  MakeProject(t.path());
  REQUIRE(RunDossier("build -q", t.path()).exit_code == 0);
  auto content1 = Tree(t / "content"), site1 = Tree(t / "site");
  fs::remove_all(t / "content/briefings");
  REQUIRE(RunDossier("build -q", t.path()).exit_code == 0);
  CHECK(Tree(t / "content") == content1);
  CHECK(Tree(t / "site") == site1);
}

TEST_CASE("cli: the committed content/ is up to date with seeds/", "[cli][e2e][content]") {
  TempDir t;
  MakeProject(t.path());
  REQUIRE(RunDossier("build -q", t.path()).exit_code == 0);
  auto built = Tree(t / "content/briefings");
  auto committed = Tree(SourcePath("content/briefings"));
  for (auto it = committed.begin(); it != committed.end();)
    it = dossier::test::fs::path(it->first).extension() == ".md" ? std::next(it) : committed.erase(it);
  INFO("rebuild with scripts/build-site and commit content/ when seeds or the analysis change");
  REQUIRE(built.size() == committed.size());
  for (const auto& [name, text] : built) {
    INFO(name);
    CHECK(committed[name] == text);
  }
}

TEST_CASE("cli: a hand-edited briefing survives a build; --force regenerates it and keeps a backup", "[cli][e2e]") {
  TempDir t;
  MakeProject(t.path());
  REQUIRE(RunDossier("build -q", t.path()).exit_code == 0);
  fs::path page = t / "content/briefings/how-cozy-is-russia-and-chinas-military-relationship.md";
  std::string original = ReadFileOrDie(page);
  std::string edited = original + "\nAn analyst's note added by hand.\n";
  WriteFileOrDie(page, edited);
  auto r = RunDossier("build", t.path());
  CHECK(r.exit_code == 0);
  CHECK(ReadFileOrDie(page) == edited);
  CHECK(r.err.find("edited by hand; kept as it is") != std::string::npos);
  CHECK(r.err.find("--force") != std::string::npos);
  CHECK(ReadFileOrDie(t / "site/briefings/how-cozy-is-russia-and-chinas-military-relationship.html")
            .find("An analyst&#39;s note added by hand.") != std::string::npos);
  auto f = RunDossier("build --force", t.path());
  CHECK(f.exit_code == 0);
  CHECK(ReadFileOrDie(page) == original);
  fs::path backup = page;
  backup += ".bak";
  CHECK(ReadFileOrDie(backup) == edited);
}

TEST_CASE("cli: a broken template fails the build, names file:line, and leaves site/ as it was", "[cli][e2e]") {
  TempDir t;
  MakeProject(t.path());
  REQUIRE(RunDossier("build -q", t.path()).exit_code == 0);
  auto before = Tree(t / "site");
  fs::path tmpl = t / "themes/default/templates/briefing.mustache";
  std::string text = ReadFileOrDie(tmpl);
  WriteFileOrDie(tmpl, text + "\n{{#broken}}\n");
  int line = static_cast<int>(Count(text, "\n")) + 2;
  auto r = RunDossier("build", t.path());
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("themes/default/templates/briefing.mustache:" + std::to_string(line) + ":1: error: template error: "
                   "Unclosed section \"broken\"") != std::string::npos);
  CHECK(r.err.find("previous site was left as it was") != std::string::npos);
  CHECK(Tree(t / "site") == before);
}

TEST_CASE("cli: a site-level templates/ folder overrides the theme", "[cli][e2e]") {
  TempDir t;
  MakeProject(t.path());
  WriteFileOrDie(t / "templates/404.mustache", "<!doctype html><title>gone</title><p>Custom 404</p>\n");
  REQUIRE(RunDossier("build -q", t.path()).exit_code == 0);
  CHECK(ReadFileOrDie(t / "site/404.html").find("Custom 404") != std::string::npos);
}

TEST_CASE("cli: bad seeds get one message each; good articles build; --strict exits 1", "[cli][e2e][bad-input]") {
  TempDir t;
  MakeProject(t.path());
  WriteFileOrDie(t / "seeds/empty.txt", "");
  WriteFileOrDie(t / "seeds/binary.txt", std::string("\x7f" "ELF\0\0\1", 7));
  WriteFileOrDie(t / "seeds/latin1.txt", "Caf\xE9 prices\n\nPrices rose by \xA3" "3 in the caf\xE9.\n");
  WriteFileOrDie(t / "seeds/big.txt", std::string(3 << 20, 'x'));
  WriteFileOrDie(t / "seeds/name with spaces é.txt", "Spaces and accents\n\nThis one is fine.\n");
  WriteFileOrDie(t / "dossier.yaml", ReadFileOrDie(t / "dossier.yaml") + "ingest:\n  max_article_mb: 2\n");
  auto r = RunDossier("build", t.path());
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("seeds/empty.txt: warning: skipped: empty article") != std::string::npos);
  CHECK(r.err.find("seeds/binary.txt: warning: skipped: binary file") != std::string::npos);
  CHECK(r.err.find("seeds/latin1.txt: warning: not valid UTF-8; decoded as Windows-1252") != std::string::npos);
  CHECK(r.err.find("seeds/big.txt: warning: skipped: 3 MiB is over the 2 MiB limit") != std::string::npos);
  CHECK(Count(r.err, "warning:") == 4);
  CHECK(fs::exists(t / "site/briefings/spaces-and-accents.html"));
  CHECK(fs::exists(t / "site/briefings/cafe-prices.html"));
  CHECK(r.err.find("built 4 briefings") != std::string::npos);
  auto s = RunDossier("build --strict", t.path());
  CHECK(s.exit_code == 1);
  CHECK(s.err.find("--strict") != std::string::npos);
}

TEST_CASE("cli: usage errors exit 2, version and help exit 0", "[cli]") {
  TempDir t;
  CHECK(RunDossier("frobnicate", t.path()).exit_code == 2);
  CHECK(RunDossier("build --no-such-flag", t.path()).exit_code == 2);
  CHECK(RunDossier("analyse --format xml", t.path()).exit_code == 2);
  CHECK(RunDossier("", t.path()).exit_code == 2);
  auto v = RunDossier("version", t.path());
  CHECK(v.exit_code == 0);
  CHECK(v.out.rfind("dossier ", 0) == 0);
  for (const char* cmd : {"--help", "build --help", "analyse --help", "check --help", "version --help"}) {
    auto h = RunDossier(cmd, t.path());
    CHECK(h.exit_code == 0);
    CHECK(h.out.find("Usage") != std::string::npos);
  }
}

TEST_CASE("cli: config errors exit 1 and name file:line:col", "[cli][config]") {
  TempDir t;
  MakeProject(t.path());
  WriteFileOrDie(t / "dossier.yaml", "title: x\nsumary:\n  ratio: 0.3\n");
  auto r = RunDossier("build", t.path());
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("dossier.yaml:2:1: error: unknown key 'sumary' (did you mean 'summary'?)") != std::string::npos);
  auto m = RunDossier("build --config missing.yaml", t.path());
  CHECK(m.exit_code == 1);
  CHECK(m.err.find("missing.yaml: error: config file not found") != std::string::npos);
}

TEST_CASE("cli: refuses an output folder that would destroy inputs", "[cli][safety]") {
  TempDir t;
  MakeProject(t.path());
  for (const char* out : {"seeds", "/", ".", "content/x"}) {
    auto r = RunDossier(std::string("build --out ") + out, t.path());
    INFO(out);
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("refusing to") != std::string::npos);
  }
  fs::create_directories(t / "mine");
  WriteFileOrDie(t / "mine/precious.txt", "keep me");
  auto r = RunDossier("build --out mine", t.path());
  CHECK(r.exit_code == 1);
  CHECK(ReadFileOrDie(t / "mine/precious.txt") == "keep me");
  CHECK(fs::exists(t / "seeds/003_b5627f03563c3840.txt"));
}

TEST_CASE("cli: check passes on a fresh build and lists each broken reference", "[cli][check]") {
  TempDir t;
  MakeProject(t.path());
  REQUIRE(RunDossier("build -q", t.path()).exit_code == 0);
  auto ok = RunDossier("check", t.path());
  INFO(ok.out);
  CHECK(ok.exit_code == 0);
  fs::remove(t / "site/about.html");
  fs::remove(t / "site/assets/site.css");
  auto bad = RunDossier("check", t.path());
  CHECK(bad.exit_code == 1);
  CHECK(bad.out.find("index.html: about.html -> missing file about.html") != std::string::npos);
  CHECK(bad.out.find("site.css -> missing file assets/site.css") != std::string::npos);
}

TEST_CASE("cli: analyse prints one JSON object per article, sorted by id", "[cli][analyse]") {
  TempDir t;
  MakeProject(t.path());
  auto r = RunDossier("analyse --format jsonl", t.path());
  REQUIRE(r.exit_code == 0);
  REQUIRE(Count(r.out, "\n") == 2);
  size_t second = r.out.find('\n') + 1;
  CHECK(r.out.rfind("{\"id\":\"000_9b48b837f428a0fc\",", 0) == 0);
  CHECK(r.out.substr(second).rfind("{\"id\":\"003_b5627f03563c3840\",", 0) == 0);
  CHECK(r.out.find("\"byline\":\"Dmitry Trenin\",\"date\":\"2019-11-20\"") != std::string::npos);
  CHECK(r.out.find("\"title_derived\":true") != std::string::npos);
  auto s = RunDossier("analyse --summary-sentences 2", t.path());
  REQUIRE(s.exit_code == 0);
  size_t p = s.out.find("\"summary\":[");
  REQUIRE(p != std::string::npos);
  size_t e = s.out.find("],", p);
  CHECK(Count(s.out.substr(p, e - p), "\",\"") == 1);  // two sentences
}

TEST_CASE("cli: article text with HTML and script arrives inert", "[cli][safety]") {
  TempDir t;
  MakeProject(t.path(), false);
  WriteFileOrDie(t / "seeds/x.txt",
                 "<script>alert(1)</script> headline\n\nBy Evil <b>Person</b>\n\nText with <img src=x onerror=alert(2)> "
                 "and [a link](javascript:alert(3)) and </textarea> end.\n");
  REQUIRE(RunDossier("build -q", t.path()).exit_code == 0);
  for (const auto& [name, text] : Tree(t / "site")) {
    if (name == "assets/search.js" || name == "assets/lunr.min.js") continue;
    INFO(name);
    CHECK(text.find("<script>alert") == std::string::npos);
    CHECK(text.find("<img src=x") == std::string::npos);
    CHECK(text.find("href=\"javascript:") == std::string::npos);
  }
}

TEST_CASE("cli: a build with nothing changed does nothing; any input change rebuilds", "[cli][e2e][cache]") {
  TempDir t;
  MakeProject(t.path());
  REQUIRE(RunDossier("build", t.path()).exit_code == 0);
  auto warm = RunDossier("build", t.path());
  CHECK(warm.exit_code == 0);
  CHECK(warm.err.find("up to date") != std::string::npos);
  auto site = Tree(t / "site");
  // A seed edit rebuilds.
  WriteFileOrDie(t / "seeds/new.txt", "A new headline\n\nSomething happened in Moscow today.\n");
  auto r = RunDossier("build", t.path());
  CHECK(r.err.find("built 3 briefings") != std::string::npos);
  CHECK(fs::exists(t / "site/briefings/a-new-headline.html"));
  // Removing the site rebuilds it.
  fs::remove_all(t / "site");
  CHECK(RunDossier("build", t.path()).err.find("built 3 briefings") != std::string::npos);
  CHECK(fs::exists(t / "site/index.html"));
  // --force always builds.
  CHECK(RunDossier("build --force", t.path()).err.find("built 3 briefings") != std::string::npos);
  // Warnings of the last build are shown again by a warm build.
  WriteFileOrDie(t / "seeds/empty.txt", "");
  CHECK(RunDossier("build", t.path()).err.find("seeds/empty.txt: warning") != std::string::npos);
  auto again = RunDossier("build", t.path());
  CHECK(again.err.find("up to date") != std::string::npos);
  CHECK(again.err.find("seeds/empty.txt: warning: skipped: empty article") != std::string::npos);
  CHECK(RunDossier("build --strict", t.path()).exit_code == 1);
}

namespace {

// `dossier serve --port 0` started in `dir` with `binary`; stderr is read
// until the "serving <url>" line (or the process exits).
struct ServeProcess {
  pid_t pid = -1;
  int err_fd = -1;
  std::string err;
  int port = 0;

  ServeProcess(const fs::path& binary, const fs::path& dir) {
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      if (chdir(dir.c_str()) != 0) _exit(127);
      dup2(fds[1], 2);
      close(fds[0]);
      close(fds[1]);
      execl(binary.c_str(), "dossier", "serve", "--port", "0", static_cast<char*>(nullptr));
      _exit(127);
    }
    close(fds[1]);
    err_fd = fds[0];
  }
  ~ServeProcess() {
    if (pid > 0) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
    if (err_fd >= 0) close(err_fd);
  }
  // Reads stderr until `needle` appears or it closes; false on timeout/EOF.
  bool ReadUntil(const std::string& needle, std::chrono::seconds timeout) {
    auto end = std::chrono::steady_clock::now() + timeout;
    while (err.find(needle) == std::string::npos) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd p{err_fd, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char buf[4096];
      ssize_t n = read(err_fd, buf, sizeof buf);
      if (n <= 0) return false;
      err.append(buf, static_cast<size_t>(n));
    }
    return true;
  }
  // Reads stderr until the process closes it (or `timeout` passes).
  void ReadToEnd(std::chrono::seconds timeout) { ReadUntil(std::string(1, '\0'), timeout); }
  int Wait() {
    int status = 0;
    if (waitpid(pid, &status, 0) != pid) return -1;
    pid = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
};

}  // namespace

TEST_CASE("cli: serve loads its HTTP module, serves the site with live reload and exits 130 on Ctrl-C",
          "[cli][serve][e2e]") {
  TempDir t;
  MakeProject(t.path());
  ServeProcess serve(DOSSIER_BINARY, t.path());
  const std::string prefix = "serving http://127.0.0.1:";
  REQUIRE(serve.ReadUntil("(Ctrl-C to stop)", std::chrono::seconds(120)));
  size_t at = serve.err.find(prefix);
  REQUIRE(at != std::string::npos);
  const int port = std::atoi(serve.err.c_str() + at + prefix.size());
  REQUIRE(port > 0);
  httplib::Client client("127.0.0.1", port);
  auto page = client.Get("/");
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(page->get_header_value("Content-Type") == "text/html; charset=utf-8");
  CHECK(page->body.find("data-dossier-live=") != std::string::npos);
  auto missing = client.Get("/no-such-page.html");
  REQUIRE(missing);
  CHECK(missing->status == 404);
  auto hostile = client.Get("/%2e%2e/dossier.yaml");
  REQUIRE(hostile);
  CHECK(hostile->status == 400);
  REQUIRE(kill(serve.pid, SIGINT) == 0);
  CHECK(serve.Wait() == 130);
  serve.ReadToEnd(std::chrono::seconds(5));
  CHECK(serve.err.find("stopping") != std::string::npos);
}

TEST_CASE("cli: serve without its HTTP module says where it looked and exits 1", "[cli][serve]") {
  TempDir t;
  MakeProject(t.path(), false);
  // A copy of the binary in a folder without dossier-http.so.
  fs::create_directories(t / "bin");
  fs::copy_file(DOSSIER_BINARY, t / "bin/dossier");
  fs::permissions(t / "bin/dossier", fs::perms::owner_exec, fs::perm_options::add);
  ServeProcess serve(t / "bin/dossier", t.path());
  serve.ReadToEnd(std::chrono::seconds(60));
  CHECK(serve.Wait() == 1);
  CHECK(serve.err.find("cannot find the HTTP module dossier-http.so") != std::string::npos);
  CHECK(serve.err.find((t / "bin/dossier-http.so").string()) != std::string::npos);
  // The other commands do not need it.
  CHECK(std::system(("cd " + t.path().string() + " && " + (t / "bin/dossier").string() + " build --quiet").c_str()) == 0);
}
