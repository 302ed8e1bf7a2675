// The three search files of a site: search-index.json (the lunr index),
// search-store.json and search-data.js (both for file://). The index is
// streamed into the script's text and written from it, so these tests pin
// what each file must hold, on disk and in memory (serve), including terms
// with '<' (escaped in the script only) and a backslash before "u003c".
#include <catch2/catch.hpp>
#include <libdeflate.h>

#include <string>

#include "config/config.h"
#include "pipeline/pipeline.h"
#include "search/search.h"
#include "support/test_support.h"

namespace dossier::pipeline {
namespace {

namespace fs = std::filesystem;
using test::ReadFileOrDie;
using test::TempDir;
using test::WriteFileOrDie;

void MakeProject(const fs::path& dir) {
  test::MakeCorpusProject(dir);
  // Tokens keep inner '<' ("a<b", "x</script>y"); "c:\u003cdir" has a
  // backslash right before what an escape looks like.
  WriteFileOrDie(dir / "seeds/markup.txt",
                 "Markup in the news\n\nThe tag a<b was shown beside x</script>y on the page. "
                 "A path c:\\u003cdir was printed too, and <!--comment--> stayed in the text.\n");
  WriteFileOrDie(dir / "dossier.yaml", "title: Desk\nbase_url: https://example.org/desk/\n");
}

BuildOptions Options(const fs::path& dir, config::SiteConfig* c) {
  REQUIRE(config::Load((dir / "dossier.yaml").string(), false, c).ok());
  BuildOptions o = OptionsFromConfig(*c, dir);
  o.quiet = true;
  return o;
}

std::string Escaped(const std::string& index) {
  std::string out;
  for (char ch : index) {
    if (ch == '<') {
      out += "\\u003c";
    } else {
      out += ch;
    }
  }
  return out;
}

void CheckFiles(const std::string& index, const std::string& store, const std::string& js) {
  CHECK(index.find("a<b") != std::string::npos);
  CHECK(index.find("x</script>i") != std::string::npos);  // lunr stems "x</script>y"
  CHECK(index.find("c:\\\\u003cdir") != std::string::npos);
  CHECK(js.find('<') == std::string::npos);
  CHECK(store.find('<') == std::string::npos);
  CHECK(js == "window.DOSSIER_SEARCH_DATA={\"index\":" + Escaped(index) + ",\"store\":" + store + "};\n");
}

TEST_CASE("pipeline: search-data.js holds exactly search-index.json ('<' escaped) and the store, on disk and in memory",
          "[pipeline][search]") {
  TempDir dir;
  MakeProject(dir.path());
  config::SiteConfig c;

  // On disk, with the documents dumped: the index is what the index builder
  // makes of them.
  BuildOptions o = Options(dir.path(), &c);
  o.dump_search_docs = (dir / "docs.json").string();
  BuildReport report;
  core::Diagnostics diags;
  REQUIRE(Build(c, o, &report, &diags).ok());
  const std::string index = ReadFileOrDie(dir / "site/search-index.json");
  const std::string store = ReadFileOrDie(dir / "site/search-store.json");
  const std::string js = ReadFileOrDie(dir / "site/search-data.js");
  CheckFiles(index, store, js);
  CHECK(report.search_bytes == index.size() + store.size());
  search::IndexSpec spec;
  std::vector<search::Document> docs;
  REQUIRE(search::ParseDocsJson(ReadFileOrDie(dir / "docs.json"), "docs.json", &spec, &docs).ok());
  CHECK(docs.size() > 16);
  CHECK(search::BuildLunrIndex(spec, docs) == index);

  // On disk with its cache (the files are written from views of the text).
  BuildOptions cached = Options(dir.path(), &c);
  cached.force = true;
  REQUIRE(Build(c, cached, &report, &diags).ok());
  CHECK(ReadFileOrDie(dir / "site/search-index.json") == index);
  CHECK(ReadFileOrDie(dir / "site/search-data.js") == js);

  // In memory (serve).
  MemorySite files;
  BuildOptions mem = Options(dir.path(), &c);
  mem.memory_site = &files;
  REQUIRE(Build(c, mem, &report, &diags).ok());
  REQUIRE(files.count("search-index.json"));
  REQUIRE(files.count("search-data.js"));
  CHECK(files["search-index.json"].text() == index);
  CHECK(files["search-store.json"].text() == store);
  CHECK(files["search-data.js"].text() == js);
}

}  // namespace
}  // namespace dossier::pipeline

namespace dossier::pipeline {
namespace {

// The reference: what `gzip -6` gives, by libdeflate at level 6 on the
// whole buffer.
size_t RefGzipSize(const std::string& data) {
  libdeflate_compressor* c = libdeflate_alloc_compressor(6);
  REQUIRE(c != nullptr);
  std::string out(libdeflate_gzip_compress_bound(c, data.size()), '\0');
  size_t n = libdeflate_gzip_compress(c, data.data(), data.size(), out.data(), out.size());
  libdeflate_free_compressor(c);
  return n;
}

}  // namespace

// The build report's gzip size is taken from the written index on a helper
// thread; the cache on disk keeps it for builds that keep the index.
TEST_CASE("pipeline: the reported gzip size is that of the written search files (made or kept)",
          "[pipeline][search]") {
  TempDir dir;
  MakeProject(dir.path());
  config::SiteConfig c;
  auto build = [&](const char* what) {
    INFO(what);
    BuildOptions o = Options(dir.path(), &c);
    BuildReport report;
    core::Diagnostics diags;
    REQUIRE(Build(c, o, &report, &diags).ok());
    const std::string index = ReadFileOrDie(dir / "site/search-index.json");
    const std::string store = ReadFileOrDie(dir / "site/search-store.json");
    CHECK(report.search_bytes == index.size() + store.size());
    CHECK(report.search_gzip_bytes == RefGzipSize(index) + RefGzipSize(store));
    CHECK(report.search_gzip_bytes > 0);
  };
  build("a first build");
  test::WriteFileOrDie(dir / "content/about.md", "---\ntitle: About\n---\nA page the index shows.\n");
  build("a page added: the index is made again");
  test::WriteFileOrDie(dir / "seeds/markup.txt",
                       test::ReadFileOrDie(dir / "seeds/markup.txt") + "\nOne more sentence about a<b.\n");
  build("a seed edited");
  // The same text written again: the build runs (the file's time moved),
  // nothing indexed changed, so the index is kept and its gzip size comes
  // from the cache on disk.
  test::WriteFileOrDie(dir / "content/about.md", "---\ntitle: About\n---\nA page the index shows.\n");
  build("a page rewritten with the same text (the index is kept)");
}

}  // namespace dossier::pipeline
