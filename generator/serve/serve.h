// serve: `dossier serve`. Builds the site into memory, serves it over HTTP
// on loopback (cpp-httplib), watches the inputs and rebuilds on change, and
// tells open pages to reload (Server-Sent Events). Nothing is ever read from
// disk to answer a request: the site lives in a map (site path -> bytes) that
// a rebuild replaces as a whole, so a request never sees a half-built site.
// The only files serve writes are content/briefings/*.md, through the normal
// pipeline (atomic writes, hand edits kept).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "core/core.h"
#include "pipeline/pipeline.h"

namespace dossier::serve {

namespace fs = std::filesystem;

// ---- Request paths ----------------------------------------------------------

enum class PathVerdict {
  kFile,        // `key` is the site path to look up
  kRedirect,    // send a redirect to `location`
  kEvents,      // the live-reload event stream
  kBadRequest,  // malformed or hostile (400)
  kNotFound,    // outside the base path (404)
};

struct ResolvedPath {
  PathVerdict verdict = PathVerdict::kBadRequest;
  std::string key;        // site path, e.g. "index.html", "briefings/x.html"
  bool directory = false;  // the URL ended in '/' (key is its index.html)
  std::string location;   // for kRedirect
  std::string reason;     // for kBadRequest, for logs and tests
};

constexpr size_t kMaxPathBytes = 1024;
// Live-reload stream, relative to the base path (at any depth below it).
constexpr std::string_view kEventsPath = "__dossier/events";

// "/sub", "sub/", "/sub/" -> "/sub/"; "" or "/" -> "/". Returns false (and a
// reason) for a base path that cannot be served: "..", "%", "?", "#", "\",
// control characters, empty segments.
bool NormalizeBasePath(std::string_view in, std::string* out, std::string* error);

// Maps a raw request target (path and query, as sent) to a site path. The
// path is percent-decoded exactly once; "..", "." and empty segments,
// encoded '/', '\' or control characters, raw backslashes or NUL, invalid
// UTF-8 and paths over kMaxPathBytes are refused (kBadRequest). A folder URL
// maps to its index.html; ".html" is never guessed.
ResolvedPath ResolveRequestPath(std::string_view target, std::string_view base_path);

// The site's 404 page is built for the site root; served for a missing path
// `depth` folders down, its relative URLs would point into that folder (no
// styles, broken menu). Prefixes "../" × depth to every relative URL in
// double-quoted href, src, action and data-root attributes (not to "#…",
// "/…", "//…" or URLs with a scheme).
std::string RebaseRelativeUrls(std::string_view html, size_t depth);

// Content-Type for a site path, by extension ("application/octet-stream"
// when unknown). Text types carry "; charset=utf-8".
std::string MimeTypeFor(std::string_view path);

// 127.0.0.0/8, ::1 and "localhost".
bool IsLoopbackHost(std::string_view host);

// Editor and tool temporary files whose changes never trigger a rebuild
// (".#x", "#x#", "x~", "x.swp", "4913", "x.dossier-tmp-123", hidden files).
bool IsIgnoredFileName(std::string_view name);

// ---- Watching ----------------------------------------------------------------

enum class ChangeKind { kSeed, kContent, kTheme, kConfig };
const char* ChangeKindName(ChangeKind kind);

struct WatchRoot {
  fs::path path;        // a folder (watched recursively) or, with `file`, a single file
  ChangeKind kind = ChangeKind::kSeed;
  bool file = false;    // watch only this file (its folder is watched for renames)
};

struct Change {
  ChangeKind kind = ChangeKind::kSeed;
  fs::path path;        // the file or folder that changed ("" = unknown: rescan all)
  // The event says the change is complete: the file was closed after
  // writing, moved into place or removed (inotify), or found changed by a
  // scan. A write still in progress (created, modified) is not settled.
  bool settled = true;
};

// Watches folders recursively with inotify (new subfolders are added as they
// appear) or, when inotify is unavailable or `force_polling`, by scanning
// mtimes and sizes every 500 ms. A root that does not exist yet is picked up
// when it is created. Ignored file names (IsIgnoredFileName) never report.
class Watcher {
 public:
  using Callback = std::function<void(const Change&)>;
  Watcher(std::vector<WatchRoot> roots, bool force_polling, Callback callback);
  ~Watcher();
  Watcher(const Watcher&) = delete;
  Watcher& operator=(const Watcher&) = delete;
  core::Status Start();
  void Stop();
  bool polling() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// ---- The development server ----------------------------------------------------

// Loads the config and resolves the folders (called at start and again
// whenever the config file changes).
using LoadFunction = std::function<core::Status(config::SiteConfig*, pipeline::BuildOptions*)>;

struct BuildEvent {
  bool initial = false;
  bool ok = false;                 // a new site is being served
  uint64_t epoch = 0;              // of the site now served (0: none yet)
  double seconds = 0;               // the whole rebuild, as seen by the server
  double pipeline_seconds = 0;      // of which pipeline::Build
  double search_seconds = 0;        // the search index, made after the pages were served
  bool search_superseded = false;   // ... and dropped: a newer build was out first
  std::vector<std::pair<std::string, double>> timings;  // pipeline stage -> seconds
  std::set<ChangeKind> kinds;      // what changed (empty for the initial build)
  std::string first_change;        // one changed path, for the log
  size_t changes = 0;
  size_t pages = 0;
  core::Status status;             // not ok: the build failed, the last good site stays
  core::Diagnostics diagnostics;
};

struct ServeOptions {
  std::string bind = "127.0.0.1";
  int port = 1313;                 // 0: any free port (tests)
  std::string base_path = "/";     // normalised ("/sub/")
  bool force_polling = false;
  int debounce_ms = 75;            // quiet time before a rebuild
  int settled_debounce_ms = 15;    // the same when every changed path's last event is settled
  size_t workers = 64;             // HTTP worker threads, one per open connection (event streams get their own)
  size_t max_event_streams = 32;
  int keepalive_seconds = 15;      // SSE comment interval
  int request_wait_seconds = 10;   // how long a request waits for a running rebuild
  fs::path config_file;            // watched; may not exist yet
  LoadFunction load;
  std::function<void(const BuildEvent&)> on_build;   // report to the terminal
  std::function<void(const std::string&)> log;       // one line of news
  // Tests: runs after the pages of a rebuild are served, on the thread
  // that makes the search index, just before it does.
  std::function<void()> before_search;
};

// The site the server answers from: complete, immutable, swapped as a whole.
// Pages are stored as `dossier build` writes them; the live-reload snippet
// is added to HTML as it is sent.
struct Site {
  std::shared_ptr<const pipeline::MemorySite> files;
  uint64_t epoch = 0;
  // The last epoch whose build changed, added or removed a file other than
  // an HTML page or a search file (a stylesheet, a script, an image): open
  // pages older than that reload rather than swap their content in place.
  uint64_t assets_epoch = 0;
};

class DevServer {
 public:
  explicit DevServer(ServeOptions options);
  ~DevServer();  // stops
  DevServer(const DevServer&) = delete;
  DevServer& operator=(const DevServer&) = delete;

  // Binds, runs the first build, starts the watcher and the listener.
  // Fails when the config cannot be loaded or the address cannot be bound;
  // a failed first build is not fatal (pages show the error until fixed).
  core::Status Start();
  // Stops the listener, the event streams, the watcher and the builder.
  // Safe to call from any thread, more than once.
  void Stop();
  bool running() const;
  int port() const;
  std::string url() const;  // "http://127.0.0.1:PORT/base/"

  // The site served now, with its search files (waits for them when the
  // last rebuild is still making them).
  Site site() const;
  uint64_t epoch() const;
  size_t builds_finished() const;  // successful or not
  // Waits until builds_finished() >= n.
  bool WaitForBuilds(size_t n, std::chrono::milliseconds timeout) const;
  // Makes the builder rebuild as if `change` had been seen (tests, tools).
  void Notify(const Change& change);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The script injected before </body> of every page while serving: the
// epoch the page was served at, the last epoch that changed a file other
// than a page or a search file (Site::assets_epoch), the page's content hash
// and PageFrameHash(page). On a new epoch the script fetches the page again
// and swaps <main> in place when only <main> and the title changed; it
// reloads the page otherwise (docs/serve.md).
std::string LiveReloadSnippet(uint64_t epoch, uint64_t assets_epoch = 0, std::string_view page_hash = {},
                              std::string_view frame_hash = {});

// A hash of an HTML page without its one <main> element and its title's
// text: two pages with the same frame differ only there. "" when the page
// has no <main> or more than one.
std::string PageFrameHash(std::string_view html);

// Removes LiveReloadSnippet(...) from a page (tests compare served pages
// with `dossier build` output).
std::string StripLiveReloadSnippet(std::string_view html);

}  // namespace dossier::serve
