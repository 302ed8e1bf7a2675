// BuildCache (what serve keeps between rebuilds) must never change the
// output: after every kind of edit, a build that reuses the cache gives
// byte-for-byte the site a build from nothing gives. The project is 15 BBC
// articles (tests/data/corpus) that share people, places and related links,
// so one edit reaches other briefings, entity pages and the lists.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "config/config.h"
#include "pipeline/pipeline.h"
#include "support/test_support.h"

namespace dossier::pipeline {
namespace {

namespace fs = std::filesystem;
using test::TempDir;
using test::WriteFileOrDie;
using test::ReadFileOrDie;

void MakeProject(const fs::path& dir) {
  test::MakeCorpusProject(dir);
  fs::create_directories(dir / "content");
  WriteFileOrDie(dir / "content/about.md", "---\ntitle: About\nmenu: true\nweight: 1\n---\nAbout this site.\n");
  WriteFileOrDie(dir / "dossier.yaml", "title: Desk\nbase_url: https://example.org/desk/\n");
}

struct Built {
  core::Status status;
  MemorySite files;
  std::string warnings;
};

Built BuildOnce(const fs::path& dir, BuildCache* cache, bool defer = false, BuildReport* out_report = nullptr,
                Garbage* garbage = nullptr) {
  Built b;
  config::SiteConfig c;
  b.status = config::Load((dir / "dossier.yaml").string(), false, &c);
  if (!b.status.ok()) return b;
  BuildOptions o = OptionsFromConfig(c, dir);
  o.quiet = true;
  o.memory_site = &b.files;
  o.cache = cache;
  o.defer_search_index = defer;
  o.garbage = garbage;
  BuildReport report;
  core::Diagnostics diags;
  b.status = Build(c, o, &report, &diags);
  if (out_report != nullptr) {
    *out_report = std::move(report);
    report = BuildReport();
  }
  diags.Sort();
  for (const auto& d : diags.items()) b.warnings += d.ToString() + "\n";
  return b;
}

// Builds with the long-lived cache and from nothing; both must agree.
// `cached`: the build with the cache, when the caller made it.
void CheckSame(const fs::path& dir, BuildCache* cache, const std::string& what, Built* made = nullptr) {
  INFO("after: " << what);
  Built cached = made != nullptr ? std::move(*made) : BuildOnce(dir, cache);
  Built fresh = BuildOnce(dir, nullptr);
  REQUIRE(cached.status.ok());
  REQUIRE(fresh.status.ok());
  CHECK(cached.warnings == fresh.warnings);
  std::vector<std::string> differ, missing, extra;
  for (const auto& [path, file] : fresh.files) {
    auto it = cached.files.find(path);
    if (it == cached.files.end()) missing.push_back(path);
    else if (it->second.text() != file.text() || it->second.hash != file.hash) differ.push_back(path);
  }
  for (const auto& [path, file] : cached.files)
    if (!fresh.files.count(path)) extra.push_back(path);
  INFO("differ: " << differ.size() << (differ.empty() ? "" : " e.g. " + differ[0]));
  INFO("missing: " << missing.size() << (missing.empty() ? "" : " e.g. " + missing[0]));
  INFO("extra: " << extra.size() << (extra.empty() ? "" : " e.g. " + extra[0]));
  CHECK(differ.empty());
  CHECK(missing.empty());
  CHECK(extra.empty());
  CHECK(fresh.files.size() > 40);
}

void Append(const fs::path& p, const std::string& text) {
  std::string s = ReadFileOrDie(p);
  WriteFileOrDie(p, s + text);
}

void Replace(const fs::path& p, const std::string& from, const std::string& to) {
  std::string s = ReadFileOrDie(p);
  size_t at = s.find(from);
  REQUIRE(at != std::string::npos);
  s.replace(at, from.size(), to);
  WriteFileOrDie(p, s);
}

TEST_CASE("pipeline: a build with a BuildCache equals a full build after every kind of edit", "[pipeline][serve]") {
  TempDir t;
  const fs::path dir = t.path();
  MakeProject(dir);
  BuildCache cache;
  CheckSame(dir, &cache, "the first build");
  CheckSame(dir, &cache, "nothing changed");

  // A seed's body: its briefing, its entities' pages, the search index.
  Append(dir / "seeds/politics-003.txt", "\nTony Blair and Gordon Brown met Michael Howard in London on Tuesday.\n");
  CheckSame(dir, &cache, "a seed body edit");

  // A seed's title: every briefing that lists it as related, entity
  // pages' cards, home, timeline, sources.
  Replace(dir / "seeds/business-001.txt", "Ad sales boost Time Warner profit", "Time Warner profit up on ad sales");
  CheckSame(dir, &cache, "a seed title edit");

  // What only a briefing's card shows (other pages keep their keys): a
  // title with the same slug, then a byline.
  Replace(dir / "seeds/business-003.txt", "\n", "\n\nBy Jane Doe\n");
  CheckSame(dir, &cache, "a byline added");
  {
    std::string s = ReadFileOrDie(dir / "seeds/business-003.txt");
    std::string title = s.substr(0, s.find('\n'));
    Replace(dir / "seeds/business-003.txt", title, title + "!");
  }
  CheckSame(dir, &cache, "a title edit that keeps the slug");

  // A seed removed, then a new one: related lists and entity counts move.
  fs::remove(dir / "seeds/tech-005.txt");
  CheckSame(dir, &cache, "a seed deletion");
  WriteFileOrDie(dir / "seeds/tech-new.txt",
                 "Microsoft and Apple trade blows\n\nMicrosoft said on Monday that Apple had copied its patches. "
                 "Apple denied it. Bill Gates said the row was silly.\n\nSteve Jobs did not comment.\n");
  CheckSame(dir, &cache, "a new seed");

  // A hand-written page in the menu: every page's navigation.
  Replace(dir / "content/about.md", "title: About", "title: About us");
  CheckSame(dir, &cache, "a menu page's title");

  // A hand edit of a briefing (kept as written).
  fs::path briefing;
  for (const auto& e : fs::directory_iterator(dir / "content/briefings")) briefing = e.path();
  REQUIRE(!briefing.empty());
  Append(briefing, "\nA note added by hand.\n");
  CheckSame(dir, &cache, "a hand edit of a briefing");

  // Theme: a partial used by every page, then a template used by one kind.
  Append(dir / "themes/default/partials/p_footer.mustache", "<!-- footer edited -->\n");
  CheckSame(dir, &cache, "a partial edit");
  Replace(dir / "themes/default/templates/entity.mustache", "</main>", "<p>entity edited</p></main>");
  CheckSame(dir, &cache, "a template edit");

  // Config: the site title is on every page.
  WriteFileOrDie(dir / "dossier.yaml", "title: Night desk\nbase_url: https://example.org/desk/\nentities:\n  min_mentions: 1\n");
  CheckSame(dir, &cache, "a config edit");
}

// `dossier build` (no BuildCache from the caller) keeps its cache in
// .dossier-cache/: a build that reads it must write exactly the site and
// content/ of a build that ignores it (--no-cache), after every kind of edit
// and whatever state the cache files are in.
core::Status BuildToDisk(const fs::path& dir, const std::string& out, bool use_disk_cache, BuildReport* report) {
  config::SiteConfig c;
  core::Status st = config::Load((dir / "dossier.yaml").string(), false, &c);
  if (!st.ok()) return st;
  BuildOptions o = OptionsFromConfig(c, dir);
  o.quiet = true;
  o.out_dir = dir / out;
  o.use_disk_cache = use_disk_cache;
  core::Diagnostics diags;
  return Build(c, o, report, &diags);
}

std::map<std::string, std::string> ReadTree(const fs::path& root) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.is_regular_file()) files[e.path().lexically_relative(root).generic_string()] = ReadFileOrDie(e.path());
  return files;
}

void CheckSameOnDisk(const fs::path& dir, const std::string& what) {
  INFO("after: " << what);
  BuildReport cached_report, fresh_report;
  REQUIRE(BuildToDisk(dir, "site", true, &cached_report).ok());
  auto content_cached = ReadTree(dir / "content");
  REQUIRE(BuildToDisk(dir, "site-fresh", false, &fresh_report).ok());
  auto content_fresh = ReadTree(dir / "content");
  CHECK(fresh_report.briefings_written == 0);  // content/ was already what it must be
  CHECK(content_cached == content_fresh);
  auto cached = ReadTree(dir / "site"), fresh = ReadTree(dir / "site-fresh");
  std::vector<std::string> differ;
  for (const auto& [path, text] : fresh) {
    auto it = cached.find(path);
    if (it == cached.end() || it->second != text) differ.push_back(path);
  }
  for (const auto& [path, text] : cached)
    if (!fresh.count(path)) differ.push_back(path);
  INFO("differ: " << differ.size() << (differ.empty() ? "" : " e.g. " + differ[0]));
  CHECK(differ.empty());
  CHECK(fresh.size() > 40);
  CHECK(cached_report.search_bytes == fresh_report.search_bytes);
  CHECK(cached_report.search_gzip_bytes == fresh_report.search_gzip_bytes);
}

// serve publishes the pages first and makes the search index right after
// (BuildOptions::defer_search_index): the deferred work must give the same
// files as a build that does not defer, feed the cache like one, and be
// left only when the index changed. serve also takes what the build is done
// with (BuildOptions::garbage) and frees it after publishing: neither the
// pages nor the deferred work may still use it (freed here before both are
// checked; the sanitizer build catches a use after free).
TEST_CASE("pipeline: a deferred search index is the one a full build makes", "[pipeline][serve]") {
  TempDir t;
  const fs::path dir = t.path();
  MakeProject(dir);
  BuildCache cache;
  const char* search_files[] = {"search-index.json", "search-store.json", "search-data.js"};
  // Builds with deferral, checks that the pages are there without the search
  // files, runs the deferred work, then compares with a full build.
  auto deferred_build = [&](const std::string& what, bool index_changed) {
    INFO("after: " << what);
    BuildReport report;
    Garbage garbage;
    Built b = BuildOnce(dir, &cache, true, &report, &garbage);
    REQUIRE(b.status.ok());
    // Articles, analyses, composed pages and the previous render maps.
    CHECK(garbage.size() >= 6);
    garbage.clear();
    CHECK(b.files.count("index.html") == 1);
    CHECK(static_cast<bool>(report.deferred_search) == index_changed);
    if (report.deferred_search) {
      for (const char* f : search_files) CHECK(b.files.count(f) == 0);
      core::Diagnostics diags;
      report.deferred_search(&b.files, &report, &diags);
      CHECK(report.search_bytes == b.files.at("search-index.json").text().size() +
                                       b.files.at("search-store.json").text().size());
    }
    for (const char* f : search_files) CHECK(b.files.count(f) == 1);
    CheckSame(dir, &cache, what, &b);
  };
  deferred_build("the first build", true);
  // The deferred work put the files into the cache: kept while nothing
  // indexed changed.
  deferred_build("nothing changed", false);
  Append(dir / "seeds/politics-003.txt", "\nTony Blair and Gordon Brown met Michael Howard in London on Tuesday.\n");
  deferred_build("a seed body edit", true);
  // Related lists and entity counts move: many pages and the index.
  fs::remove(dir / "seeds/tech-005.txt");
  deferred_build("a seed deletion", true);
  deferred_build("nothing changed again", false);
  // Without deferral the same cache goes on as before.
  CheckSame(dir, &cache, "a build that does not defer");
}

TEST_CASE("pipeline: dossier build with its cache on disk equals a build without it after every kind of edit",
          "[pipeline][cache]") {
  TempDir t;
  const fs::path dir = t.path();
  MakeProject(dir);
  CheckSameOnDisk(dir, "the first build");
  REQUIRE(fs::exists(dir / ".dossier-cache/articles"));
  REQUIRE(fs::exists(dir / ".dossier-cache/pages"));

  // A one-seed edit re-renders only what it shows on: most pages are
  // hard links to the previous site's files (same inode).
  Append(dir / "seeds/politics-003.txt", "\nTony Blair and Gordon Brown met Michael Howard in London on Tuesday.\n");
  auto inode = [](const fs::path& p) {
    struct stat st;
    return ::stat(p.c_str(), &st) == 0 ? st.st_ino : 0;
  };
  std::map<std::string, ino_t> inodes;
  for (const auto& e : fs::recursive_directory_iterator(dir / "site"))
    if (e.is_regular_file()) inodes[e.path().lexically_relative(dir / "site").generic_string()] = inode(e.path());
  CheckSameOnDisk(dir, "a seed body edit");
  size_t same = 0;
  for (const auto& [path, ino] : inodes) same += inode(dir / "site" / path) == ino;
  CHECK(same > inodes.size() / 2);
  CHECK(inode(dir / "site/search-index.json") != inodes["search-index.json"]);

  Replace(dir / "seeds/business-001.txt", "Ad sales boost Time Warner profit", "Time Warner profit up on ad sales");
  CheckSameOnDisk(dir, "a seed title edit");
  fs::remove(dir / "seeds/tech-005.txt");
  CheckSameOnDisk(dir, "a seed deletion");
  WriteFileOrDie(dir / "seeds/tech-new.txt",
                 "Microsoft and Apple trade blows\n\nMicrosoft said on Monday that Apple had copied its patches. "
                 "Apple denied it. Bill Gates said the row was silly.\n\nSteve Jobs did not comment.\n");
  CheckSameOnDisk(dir, "a new seed");

  // Damaged cache files are ignored, never trusted.
  std::string articles = ReadFileOrDie(dir / ".dossier-cache/articles");
  WriteFileOrDie(dir / ".dossier-cache/articles", articles.substr(0, articles.size() / 2));
  std::string pages = ReadFileOrDie(dir / ".dossier-cache/pages");
  pages[pages.size() / 2] ^= 0x55;
  WriteFileOrDie(dir / ".dossier-cache/pages", pages);
  Append(dir / "seeds/politics-003.txt", "\nMichael Howard replied on Wednesday.\n");
  CheckSameOnDisk(dir, "damaged cache files");
  WriteFileOrDie(dir / ".dossier-cache/articles", "not a cache");
  fs::remove(dir / ".dossier-cache/pages");
  Append(dir / "seeds/business-001.txt", "\nShares rose.\n");
  CheckSameOnDisk(dir, "a foreign and a missing cache file");

  // The previous site gone: nothing can be linked, everything is rendered.
  fs::remove_all(dir / "site");
  Append(dir / "seeds/business-001.txt", "\nShares fell later.\n");
  CheckSameOnDisk(dir, "the site removed by hand");

  Replace(dir / "content/about.md", "title: About", "title: About us");
  CheckSameOnDisk(dir, "a menu page's title");
  fs::path briefing;
  for (const auto& e : fs::directory_iterator(dir / "content/briefings")) briefing = e.path();
  Append(briefing, "\nA note added by hand.\n");
  CheckSameOnDisk(dir, "a hand edit of a briefing");
  Append(dir / "themes/default/partials/p_footer.mustache", "<!-- footer edited -->\n");
  CheckSameOnDisk(dir, "a partial edit");
  WriteFileOrDie(dir / "dossier.yaml", "title: Night desk\nbase_url: https://example.org/desk/\nentities:\n  min_mentions: 1\n");
  CheckSameOnDisk(dir, "a config edit");
}

}  // namespace
}  // namespace dossier::pipeline

namespace dossier::pipeline {
namespace {

// An entity page's "Often mentioned with" list: the entities named in the
// most of the same briefings (the count shown), most first, ties by slug,
// at most 12. Checked on every entity page against the briefings' own
// entity lists (their front matter in content/briefings/).
TEST_CASE("pipeline: an entity page lists the entities named in the most of the same briefings", "[pipeline]") {
  TempDir t;
  const fs::path dir = t.path();
  MakeProject(dir);
  Built b = BuildOnce(dir, nullptr);
  REQUIRE(b.status.ok());
  // Briefing -> its entity slugs (entities with a page), from the front matter.
  std::vector<std::set<std::string>> briefings;
  const std::regex entity_line(R"re(^ +- \{name: .*, slug: "([^"]+)", count: \d+\}$)re");
  for (const auto& e : fs::directory_iterator(dir / "content/briefings")) {
    std::istringstream in(ReadFileOrDie(e.path()));
    std::set<std::string> slugs;
    std::string line;
    std::smatch m;
    while (std::getline(in, line))
      if (std::regex_match(line, m, entity_line)) slugs.insert(m[1]);
    briefings.push_back(slugs);
  }
  REQUIRE(briefings.size() == 15);
  const std::regex co_item(R"re(<li><a href="([^"]+)\.html">[^<]*</a> <span class="count">(\d+)<)re");
  size_t pages = 0, with_list = 0;
  for (const auto& [path, file] : b.files) {
    if (path.rfind("entities/", 0) != 0 || path.find('/', 9) != std::string::npos) continue;
    const std::string slug = path.substr(9, path.size() - 9 - 5);
    ++pages;
    INFO("page: " << path);
    std::map<std::string, int> shared;
    for (const auto& s : briefings)
      if (s.count(slug))
        for (const auto& other : s)
          if (other != slug) shared[other] += 1;
    std::vector<std::pair<int, std::string>> want;
    for (const auto& [other, n] : shared) want.emplace_back(-n, other);
    std::sort(want.begin(), want.end());
    if (want.size() > 12) want.resize(12);
    const std::string& html = file.text();
    size_t aside = html.find("id=\"co-heading\"");
    REQUIRE(aside != std::string::npos);
    std::string list = html.substr(aside, html.find("</aside>", aside) - aside);
    std::vector<std::pair<int, std::string>> got;
    for (std::sregex_iterator it(list.begin(), list.end(), co_item), end; it != end; ++it) {
      std::string href = (*it)[1];
      got.emplace_back(-std::stoi((*it)[2]), href.substr(href.rfind('/') + 1));
    }
    CHECK(got == want);
    with_list += !got.empty();
  }
  CHECK(pages > 20);
  CHECK(with_list > pages / 2);
}

}  // namespace
}  // namespace dossier::pipeline
