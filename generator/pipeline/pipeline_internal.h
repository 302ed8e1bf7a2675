// Private to pipeline/: the pieces Build() composes.
#pragma once

#include <chrono>
#include <future>
#include <map>
#include <mutex>
#include <set>

#include "compose/compose.h"
#include "markdown/markdown.h"
#include "pipeline/pipeline.h"
#include "render/render.h"
#include "search/search.h"

namespace dossier::pipeline {

namespace fs = std::filesystem;

// A content page ready to render.
struct SitePage {
  compose::Page page;
  std::string out_path;  // site-relative, e.g. "briefings/x.html"
};

// The state of a BuildCache (see pipeline.h). Render entries are keyed by
// site path; each build moves the entries it used into `next_*`, so files
// that are gone leave the cache.
struct BuildCache::Impl {
  ingest::LoadCache seeds;
  analyse::AnalysisCache analysis;
  std::mutex mutex;  // guards the render maps (pages render in parallel)
  struct Rendered {
    uint64_t key = 0;  // fingerprint of everything the page shows
    SiteFile file;     // on disk (disk.on): no data, only the hash
    uint64_t size = 0;  // on disk: the size of the file
  };
  // `dossier build` keeps this cache in `.dossier-cache/` (disk_cache.cc)
  // instead of in memory: rendered files are not held (a page whose key is
  // unchanged is hard-linked from the previous site, when that file still
  // has the recorded bytes) and composed pages are not kept.
  struct Disk {
    bool on = false;
    uint64_t search_key = 0;         // key of the search files ...
    uint64_t search_gzip_bytes = 0;  // ... and their gzip size
  } disk;
  std::map<std::string, Rendered> rendered, next_rendered;
  // Markdown of content pages, by fingerprint of the Markdown source.
  struct Body {
    markdown::RenderedMarkdown md;  // plain_text cleared
    std::string search_text;        // what the search index gets as `body`
    bool has_html = true;           // false: md.html not kept (cache on disk)
  };
  std::map<uint64_t, std::shared_ptr<const Body>> bodies, next_bodies;
  // Composed briefings by article id: (ComposeKey, page).
  std::map<std::string, std::pair<uint64_t, std::shared_ptr<const compose::Page>>> composed, next_composed;
  // content/briefings files known to hold exactly the page of a ComposeKey:
  // rel_path -> (ComposeKey, FileStamp after it was written or read).
  std::map<std::string, std::pair<uint64_t, uint64_t>> briefing_files;
  // Start and end of one build's use of the render maps. Under `mutex`:
  // serve's deferred search index (BuildReport::deferred_search) may record
  // its files in `rendered` while the next build runs.
  void BeginRender() {
    std::lock_guard<std::mutex> lock(mutex);
    next_rendered.clear();
    next_bodies.clear();
  }
  // The maps of the previous build go to `garbage` (serve) or are freed.
  void EndRender(Garbage* garbage) {
    std::lock_guard<std::mutex> lock(mutex);
    rendered.swap(next_rendered);
    bodies.swap(next_bodies);
    Discard(garbage, next_rendered);
    Discard(garbage, next_bodies);
  }
};

// Writes composed briefings into content/briefings/, keeping hand edits.
// Returns the pages that are current in memory (rel_path -> page) so they
// need not be parsed again.
// With `keys` (a ComposeKey per page) and a cache, a file known to hold its
// page already (same key, same FileStamp) is neither serialised nor read.
core::Status WriteBriefings(const fs::path& content_dir, std::vector<compose::Page>* pages, bool force,
                            BuildReport* report, core::Diagnostics* diagnostics,
                            std::map<std::string, compose::Page>* current,
                            const std::vector<uint64_t>* keys = nullptr, struct BuildCache::Impl* cache = nullptr);

// Reads every page of content/ (in-memory pages are used as they are).
void LoadContent(const fs::path& content_dir, std::map<std::string, compose::Page> current,
                 std::vector<SitePage>* pages, compose::Page* home_intro, core::Diagnostics* diagnostics);

// Writes files below a folder, refusing paths that would escape it; or,
// with a memory map, into the map (serve keeps its site in memory).
//
// With `previous` (the site being replaced), a file whose bytes equal the
// previous build's (by the manifest in `.dossier-site`) is hard-linked rather
// than written: unchanged files cost no writes, and removing the old site
// frees no blocks.
class SiteWriter {
 public:
  explicit SiteWriter(fs::path root, MemorySite* memory = nullptr, fs::path previous = {});
  // Writes the manifest (path, size, hash of every file) as `.dossier-site`
  // (on disk only: a site in memory has none).
  core::Status Finish();
  // Thread-safe. Files go straight into the (temporary) folder: the folder
  // as a whole is swapped in, so single files need no atomic rename.
  core::Status Write(const std::string& rel, std::string_view data);
  // Writes a file rendered before (a BuildCache hit): in memory it is
  // shared, not copied, and its hash is not computed again.
  core::Status Put(const std::string& rel, const SiteFile& file);
  // Writes `data` whose ContentHashHex is `hash` (in memory: a copy).
  core::Status WriteHashed(const std::string& rel, std::string_view data, const std::string& hash);
  // On disk only: a new file at `rel` for the caller to write through *fd
  // (and close); Written() then enters it in the manifest by its size and
  // hash (it is never linked from the previous site).
  core::Status Create(const std::string& rel, int* fd);
  void Written(const std::string& rel, uint64_t size, const std::string& hash);
  // Hard-links `rel` from the previous site when its manifest records
  // exactly this size and hash there; false (nothing written) otherwise.
  bool Reuse(const std::string& rel, uint64_t size, const std::string& hash);
  // The file as Write() would store it in memory.
  static SiteFile MakeFile(std::string data);
  core::Status Copy(const std::string& rel, const fs::path& from);
  const fs::path& root() const { return root_; }
  const std::vector<std::string>& written() const { return written_; }

 private:
  fs::path root_;
  core::Status Store(const std::string& rel, std::string_view data, const SiteFile* file);
  // `rel` under the root (false when it would leave it) and its manifest key.
  bool Resolve(const std::string& rel, fs::path* p, std::string* key) const;
  // Hard-links `p` from the previous site when the manifest there records
  // `fp` for `key`; removes whatever was at `p` first.
  bool LinkPrevious(const fs::path& p, const std::string& key, const std::string& fp);
  void Record(const std::string& rel, const std::string& key, std::string fp);
  MemorySite* memory_;
  fs::path previous_;
  std::map<std::string, std::string> previous_manifest_;  // path -> "size hash"
  std::mutex mutex_;
  std::vector<std::string> written_;
  std::map<std::string, std::string> manifest_;
};

// Records the time of each stage into a BuildReport ("--timings").
class Timer {
 public:
  explicit Timer(BuildReport* r) : report_(r), start_(std::chrono::steady_clock::now()) {}
  void Lap(const char* stage) {
    auto now = std::chrono::steady_clock::now();
    report_->timings.emplace_back(stage, std::chrono::duration<double>(now - start_).count());
    start_ = now;
  }

 private:
  BuildReport* report_;
  std::chrono::steady_clock::time_point start_;
};

struct RenderInput {
  const config::SiteConfig* config;
  const BuildOptions* options;
  const render::Theme* theme;
  std::vector<SitePage>* pages;
  const compose::Page* home_intro;
  Timer* timer;
  // Site on disk: the gzip size of a search index made by this build, taken
  // on a helper thread from the written files while the build goes on (the
  // caller gets it before it reports or saves the cache).
  std::future<size_t>* search_gzip = nullptr;
};

// Renders every HTML page, feeds, sitemap and the search index.
core::Status RenderSite(const RenderInput& in, SiteWriter* writer, BuildReport* report,
                        core::Diagnostics* diagnostics);

// Runs fn(0..n-1) on `threads` workers (0 = all cores); returns the first
// failure by index order, so errors are reported deterministically.
core::Status ParallelFor(size_t n, int threads, const std::function<core::Status(size_t)>& fn);

// Warm builds (up_to_date.cc): the fingerprint of every input, whether the
// last successful build had it (replaying its warnings), and recording it.
std::string InputFingerprint(const config::SiteConfig& config, const BuildOptions& options);
bool UpToDate(const std::string& fingerprint, const BuildOptions& options, core::Diagnostics* diagnostics);
void RecordBuild(const std::string& fingerprint, const BuildOptions& options, const core::Diagnostics& diagnostics);
void ForgetBuild(const BuildOptions& options);
// "path size mtime\n" of the running executable, or "" when unknown.
std::string ExecutableStamp();

// The BuildCache of `dossier build` on disk (disk_cache.cc). Loading never
// fails (a missing, damaged or foreign file is a cache miss); saving is
// best effort (a cache that cannot be written makes the next build slower).
void LoadArticleCache(const BuildOptions& options, BuildCache::Impl* cache);
// The seeds part, taken right after ingest (the LoadCache is then dropped).
std::string ExportSeeds(const ingest::LoadCache& seeds);
// `analysis` in AnalysisCache::Export's format (what its export sink gets).
void SaveArticleCache(const BuildOptions& options, std::string_view seeds, std::string_view analysis);
void LoadPageCache(const BuildOptions& options, BuildCache::Impl* cache);
void SavePageCache(const BuildOptions& options, const BuildCache::Impl& cache);

// "../" repeated once per folder of a site-relative path.
std::string RootPrefix(const std::string& site_path);

}  // namespace dossier::pipeline
