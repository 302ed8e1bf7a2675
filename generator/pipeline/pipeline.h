// pipeline: the stage order and the folder layout. seeds/ -> ingest ->
// analyse -> compose (content/briefings/*.md, hand edits kept) -> read
// content/ -> render HTML + search index into a temporary folder -> swap it
// in place of site/ only when everything succeeded. The only module that
// knows every stage; stages never see a Pipeline.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "analyse/analyse.h"
#include "config/config.h"
#include "core/core.h"
#include "ingest/ingest.h"

namespace dossier::pipeline {

// A file of a site kept in memory (serve): shared, immutable bytes and
// their HashHex, so an unchanged page is neither copied nor hashed again.
struct SiteFile {
  std::shared_ptr<const std::string> data;
  std::string hash;
  const std::string& text() const { return *data; }
};
using MemorySite = std::map<std::string, SiteFile>;  // site path -> file

// The site paths of the search files: the lunr index, the store and the
// offline script (see BuildOptions::defer_search_index).
inline constexpr const char* kSearchFiles[] = {"search-index.json", "search-store.json", "search-data.js"};

// Containers a build is done with (articles, analyses, composed pages, the
// previous render maps), handed to a caller that frees them later
// (BuildOptions::garbage).
using Garbage = std::vector<std::shared_ptr<const void>>;

// Moves `x` into `garbage` (when there is one) and leaves `x` empty, its
// memory released: the caller frees the contents when it suits it.
template <class T>
void Discard(Garbage* garbage, T& x) {
  if (garbage != nullptr) garbage->push_back(std::make_shared<T>(std::move(x)));
  T().swap(x);
}

// What a long-running caller (serve) keeps between builds so that a rebuild
// redoes only the work whose inputs changed: seeds are re-read only when
// their size or time changed, unchanged articles are not analysed again,
// and a page is rendered again only when something it shows changed (each
// page is keyed by a fingerprint of every input of its view). The output
// is byte-for-byte what a build without the cache gives.
class BuildCache {
 public:
  BuildCache();
  ~BuildCache();
  BuildCache(const BuildCache&) = delete;
  BuildCache& operator=(const BuildCache&) = delete;
  struct Impl;
  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

struct BuildOptions {
  std::filesystem::path project_dir = ".";  // themes/ and templates/ are looked up here
  std::filesystem::path seeds_dir;          // resolved paths (absolute or relative to cwd)
  std::filesystem::path content_dir;
  std::filesystem::path out_dir;
  bool strict = false;   // warnings are errors
  bool force = false;    // regenerate hand-edited briefings (a backup is kept)
  bool quiet = false;
  bool write_site = true;  // false: content/ only
  std::string dump_search_docs;  // write the search documents (lunr oracle input) here
  // When set, the site is rendered into this map instead of the output
  // folder; nothing is swapped on disk.
  MemorySite* memory_site = nullptr;
  // Kept across builds by long-running callers (serve); see BuildCache.
  BuildCache* cache = nullptr;
  // With memory_site and cache (serve): when the search index has to be
  // made again, the build leaves it to BuildReport::deferred_search, so
  // the caller can publish the pages first (a reload does not wait for
  // the index) and add the search files right after.
  bool defer_search_index = false;
  // serve: what the build is done with goes here instead of being freed
  // on the way to the new site (10-30 ms of a one-seed rebuild at 1,114
  // articles); the caller frees it once the pages are out.
  Garbage* garbage = nullptr;
  // Without `cache`, a build that writes the site keeps its BuildCache in
  // <project>/.dossier-cache/ between runs; false: neither read nor write
  // it (everything is done again, as in a first build).
  bool use_disk_cache = true;
  // While another build holds the project's lock (.dossier.lock): 0 fails
  // at once (dossier build: the user is told); otherwise wait up to this
  // long for it (serve: an edit made while `dossier build` runs in another
  // terminal is built as soon as that build ends, not dropped). The wait
  // ends early on Ctrl-C or when `*cancel` becomes true.
  int lock_wait_ms = 0;
  const std::atomic<bool>* cancel = nullptr;
  // Called as work advances: stage name, items done, items in the stage.
  // May be called from worker threads (never concurrently).
  std::function<void(const char* stage, size_t done, size_t total)> progress;
};

struct BuildReport {
  size_t articles = 0;
  size_t briefings_written = 0;
  size_t briefings_kept = 0;  // hand-edited, left alone
  size_t pages = 0;           // HTML pages written
  size_t search_bytes = 0;
  size_t search_gzip_bytes = 0;
  bool up_to_date = false;    // nothing changed since the last build: nothing done
  // Set by a build with defer_search_index whose search index changed: adds
  // the three search files (search-index.json, search-store.json,
  // search-data.js; the bytes a build without deferral gives) to `site`
  // and to the BuildCache, sets `report->search_bytes` and warns over the
  // budget. Run it at most once, only after that build succeeded. It may
  // run while later builds with the same BuildCache do (serve makes it on a
  // thread of its own): it records its files in the cache under the cache's
  // lock, keyed like every rendered file, so a later build uses them only
  // for the same documents.
  std::function<void(MemorySite* site, BuildReport* report, core::Diagnostics* diagnostics)> deferred_search;
  std::vector<std::pair<std::string, double>> timings;  // stage -> seconds
};

// Resolves folders from the config (relative to the config's folder).
BuildOptions OptionsFromConfig(const config::SiteConfig& config, const std::filesystem::path& config_dir);

// Ingest + analyse only (used by `dossier analyse`).
core::Status LoadAndAnalyse(const config::SiteConfig& config, const BuildOptions& options,
                            std::vector<ingest::Article>* articles, std::vector<analyse::ArticleAnalysis>* analyses,
                            core::Diagnostics* diagnostics);

analyse::AnalyseOptions AnalyseOptionsFrom(const config::SiteConfig& config);

// The whole build. Diagnostics collects warnings (and errors of single
// files); the Status is not ok when the build as a whole failed, in which
// case the previous site/ is left untouched.
core::Status Build(const config::SiteConfig& config, const BuildOptions& options, BuildReport* report,
                   core::Diagnostics* diagnostics);

// Verifies every internal link, anchor and asset of a built site.
// Root-relative references ("/sub/x.html") are resolved under `base_path`
// (the path of base_url, e.g. "/sub/"); any other absolute path is broken.
// Returns one line per broken reference ("page: href -> problem").
std::vector<std::string> CheckSite(const std::filesystem::path& site_dir, const std::string& base_path = "/");

}  // namespace dossier::pipeline
