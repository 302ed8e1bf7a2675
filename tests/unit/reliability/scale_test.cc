// Scale: many tiny articles of one sentence each must build, in bounded time
// and without losing one. Hidden from the default Catch2 listing ("[.]"):
// tests/scripts/reliability.cmake registers it as its own CTest test,
// `reliability.scale`, labelled `slow`, with the article count in
// DOSSIER_SCALE_ARTICLES (see docs/RELIABILITY.md for the timings).
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <fstream>

#include "support/test_support.h"

using dossier::test::RunDossier;
using dossier::test::SourcePath;
using dossier::test::TempDir;
using dossier::test::WriteFileOrDie;
namespace fs = std::filesystem;

TEST_CASE("reliability: many tiny articles build in bounded time", "[.][slow][reliability][scale]") {
  const char* env = std::getenv("DOSSIER_SCALE_ARTICLES");
  const long n = env ? std::atol(env) : 20000;
  const char* bound_env = std::getenv("DOSSIER_SCALE_SECONDS");
  const double bound = bound_env ? std::atof(bound_env) : 300;
  REQUIRE(n > 0);
  TempDir t;
  fs::copy(SourcePath("themes"), t / "themes", fs::copy_options::recursive);
  WriteFileOrDie(t / "dossier.yaml", "title: Scale\nsearch:\n  budget_kb: 1048576\n");
  static const char* kWho[] = {"The council", "A spokesman", "The minister", "Local residents", "The committee"};
  static const char* kWhat[] = {"approved", "rejected", "delayed", "discussed", "welcomed"};
  for (long i = 0; i < n; ++i) {
    char dir[32], name[80];
    std::snprintf(dir, sizeof dir, "seeds/%03ld", i / 1000);
    std::snprintf(name, sizeof name, "%s/%06ld.txt", dir, i);
    if (i % 1000 == 0) fs::create_directories(t / dir);
    std::ofstream(t / name, std::ios::binary) << kWho[i % 5] << " " << kWhat[(i / 5) % 5] << " plan number " << i
                                              << " on Tuesday.\n";
  }
  fs::create_directories(t / "content");
  auto start = std::chrono::steady_clock::now();
  auto r = RunDossier("build --timings", t.path());
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  INFO(r.err.substr(r.err.size() > 3000 ? r.err.size() - 3000 : 0));
  WARN(n << " one-sentence articles built in " << seconds << " s");
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("built " + std::to_string(n) + " briefings") != std::string::npos);
  size_t briefings = 0, pages = 0;
  for (const auto& e : fs::directory_iterator(t / "content/briefings")) briefings += e.path().extension() == ".md";
  for (const auto& e : fs::directory_iterator(t / "site/briefings")) pages += e.path().extension() == ".html";
  CHECK(briefings == static_cast<size_t>(n));
  CHECK(pages == static_cast<size_t>(n));
  CHECK(seconds < bound);
}
