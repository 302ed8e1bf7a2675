// What serve shows after a change equals what `dossier build` publishes for
// the same inputs, byte for byte (minus the injected live-reload snippet).
#include <catch2/catch.hpp>

#include <fstream>

#include "serve_test_util.h"

using namespace dossier::serve;
using namespace dossier::serve::testing;
using dossier::test::RunDossier;
using dossier::test::TempDir;

namespace {

const std::string kSeed = "000_9b48b837f428a0fc.txt";

// Copies the inputs of `project` (seeds, themes, templates, config and the
// hand-written content pages) into a fresh folder and runs `dossier build`.
std::map<std::string, std::string> FullBuild(const fs::path& project) {
  TempDir fresh;
  for (const char* part : {"seeds", "themes", "templates"})
    if (fs::exists(project / part)) fs::copy(project / part, fresh / part, fs::copy_options::recursive);
  fs::copy_file(project / "dossier.yaml", fresh / "dossier.yaml");
  fs::create_directories(fresh / "content");
  for (const auto& e : fs::directory_iterator(project / "content"))
    if (e.is_regular_file()) fs::copy_file(e.path(), fresh / "content" / e.path().filename());
  auto r = RunDossier("build", fresh.path());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return Tree(fresh / "site");
}

void ExpectSameAsBuild(const DevServer& server, const fs::path& project) {
  auto expected = FullBuild(project);
  // The build's manifest (sizes and hashes of the files written, for
  // hard-linking unchanged files next time) is bookkeeping of the output
  // folder, not a page of the site.
  expected.erase(".dossier-site");
  Site site = server.site();
  REQUIRE(site.files);
  std::vector<std::string> only_built, only_served, differ;
  size_t snippets = 0;
  for (const auto& [path, data] : expected) {
    auto it = site.files->find(path);
    if (it == site.files->end()) {
      only_built.push_back(path);
      continue;
    }
    // Pages are kept exactly as the build writes them; the live-reload
    // snippet is added only as they are sent.
    const std::string& served = it->second.text();
    if (StripLiveReloadSnippet(served) != served) ++snippets;
    if (served != data) differ.push_back(path);
  }
  for (const auto& [path, data] : *site.files)
    if (!expected.count(path) && path != ".dossier-site") only_served.push_back(path);
  INFO("only in the build: " << only_built.size() << (only_built.empty() ? "" : " e.g. " + only_built[0]));
  INFO("only served: " << only_served.size() << (only_served.empty() ? "" : " e.g. " + only_served[0]));
  INFO("different: " << differ.size() << (differ.empty() ? "" : " e.g. " + differ[0]));
  CHECK(only_built.empty());
  CHECK(only_served.empty());
  CHECK(differ.empty());
  CHECK(snippets == 0);
}

struct Served {
  TempDir dir;
  std::unique_ptr<DevServer> server;
  Served() {
    MakeProject(dir.path());
    server = std::make_unique<DevServer>(OptionsFor(dir.path()));
    REQUIRE(server->Start().ok());
  }
  // Applies `edit` and waits for the rebuild it causes.
  template <typename F>
  void Change(F edit) {
    size_t builds = server->builds_finished();
    edit();
    REQUIRE(Settle(*server, builds + 1));
    uint64_t epoch = server->epoch();
    REQUIRE(epoch >= 2);
  }
};

}  // namespace

TEST_CASE("serve: the initial site equals dossier build", "[serve]") {
  Served s;
  ExpectSameAsBuild(*s.server, s.dir.path());
}

TEST_CASE("serve: after a seed edit the site equals a full build", "[serve]") {
  Served s;
  s.Change([&] {
    std::ofstream out(s.dir / "seeds" / kSeed, std::ios::app);
    out << "\nThe Kremlin said on Friday that the new exercise would take place in the Pacific.\n";
  });
  ExpectSameAsBuild(*s.server, s.dir.path());
}

TEST_CASE("serve: after a theme edit the site equals a full build", "[serve]") {
  Served s;
  s.Change([&] {
    fs::path tmpl = s.dir / "themes/default/templates/404.mustache";
    std::string text = ReadFileOrDie(tmpl);
    size_t p = text.find("</h1>");
    REQUIRE(p != std::string::npos);
    text.insert(p, " (edited)");
    WriteFileOrDie(tmpl, text);
    std::ofstream(s.dir / "themes/default/static/assets/site.css", std::ios::app) << "\n/* edited */\n";
  });
  CHECK(s.server->site().files->at("404.html").text().find("(edited)") != std::string::npos);
  ExpectSameAsBuild(*s.server, s.dir.path());
}

TEST_CASE("serve: after a seed deletion the site equals a full build", "[serve]") {
  Served s;
  size_t pages = s.server->site().files->size();
  s.Change([&] { fs::remove(s.dir / "seeds" / kSeed); });
  CHECK(s.server->site().files->size() < pages);
  ExpectSameAsBuild(*s.server, s.dir.path());
}

TEST_CASE("serve: after a new seed the site equals a full build", "[serve]") {
  Served s;
  size_t pages = s.server->site().files->size();
  s.Change([&] {
    fs::create_directories(s.dir / "seeds/extra");
    WriteFileOrDie(s.dir / "seeds/extra/naval-drill.txt",
                   "Russia and China begin a joint naval drill in the Sea of Japan\n"
                   "Russian and Chinese warships began a week-long joint naval exercise on Monday, the Russian "
                   "Defence Ministry said.\n"
                   "The drill involves submarines, anti-submarine aircraft and surface ships, according to "
                   "China's Ministry of National Defense.\n"
                   "Analysts in Beijing said the exercise showed the growing trust between the two militaries.\n");
  });
  CHECK(s.server->site().files->size() > pages);
  ExpectSameAsBuild(*s.server, s.dir.path());
}

TEST_CASE("serve: after a config edit the site equals a full build", "[serve]") {
  Served s;
  s.Change([&] {
    std::string cfg = ReadFileOrDie(s.dir / "dossier.yaml");
    size_t p = cfg.find("title: Dossier");
    REQUIRE(p != std::string::npos);
    cfg.replace(p, 14, "title: Edited Dossier");
    // Editors often save by writing a new file and renaming it into place.
    WriteFileOrDie(s.dir / "dossier.yaml.new", cfg);
    fs::rename(s.dir / "dossier.yaml.new", s.dir / "dossier.yaml");
  });
  CHECK(s.server->site().files->at("index.html").text().find("Edited Dossier") != std::string::npos);
  ExpectSameAsBuild(*s.server, s.dir.path());
}
