// The development server: in-memory site, HTTP (serve/http.h), builder
// thread (debounced rebuilds), live reload over Server-Sent Events.
#include <malloc.h>
#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <iterator>
#include <map>
#include <mutex>
#include <thread>

#include "serve/http.h"
#include "serve/serve.h"

namespace dossier::serve {

namespace {

using Clock = std::chrono::steady_clock;

// The socket a request is served on, found by its addresses (httplib 0.11
// does not expose it; a stream uses it only to notice a closed peer).
int FindSocket(const HttpRequest& req) {
  DIR* d = opendir("/proc/self/fd");
  if (!d) return -1;
  int found = -1;
  while (dirent* e = readdir(d)) {
    int fd = std::atoi(e->d_name);
    if (fd <= 2) continue;
    sockaddr_storage local{}, peer{};
    socklen_t ll = sizeof local, pl = sizeof peer;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &ll) != 0) continue;
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &pl) != 0) continue;
    auto port_of = [](const sockaddr_storage& s) -> int {
      if (s.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in&>(s).sin_port);
      if (s.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6&>(s).sin6_port);
      return -1;
    };
    if (port_of(local) == req.local_port && port_of(peer) == req.remote_port) {
      found = fd;
      break;
    }
  }
  closedir(d);
  return found;
}

bool PeerClosed(int fd) {
  if (fd < 0) return false;
  pollfd p{fd, POLLRDHUP, 0};
  return ::poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL));
}

std::string SseData(std::string_view event, std::string_view text) {
  std::string out = "event: " + std::string(event) + "\n";
  for (const auto& line : core::SplitLines(text)) out += "data: " + line + "\n";
  if (text.empty()) out += "data:\n";
  return out + "\n";
}

bool EtagMatches(const std::string& header, const std::string& etag) {
  // If-None-Match: "a", W/"b", *
  size_t i = 0;
  while (i < header.size()) {
    while (i < header.size() && (header[i] == ' ' || header[i] == ',' || header[i] == '\t')) ++i;
    size_t j = header.find(',', i);
    if (j == std::string::npos) j = header.size();
    std::string tag(core::Trim(std::string_view(header).substr(i, j - i)));
    if (core::StartsWith(tag, "W/")) tag = tag.substr(2);
    if (tag == "*" || tag == etag) return true;
    i = j + 1;
  }
  return false;
}

std::string ErrorText(const core::Status& status, const core::Diagnostics& diags) {
  std::string text;
  for (const auto& d : diags.items())
    if (d.severity == core::Severity::kError) text += d.ToString() + "\n";
  if (!status.ok()) text += status.ToString() + "\n";
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

constexpr std::string_view kSnippetHead = "<script data-dossier-live=\"";
constexpr std::string_view kSnippetTail = R"JS(">
(function () {
  var me = document.currentScript;
  var epoch = +me.getAttribute('data-dossier-live');
  var page = me.getAttribute('data-dossier-page') || '';
  var frame = me.getAttribute('data-dossier-frame') || '';
  var root = document.documentElement.getAttribute('data-root') || '';
  if (!window.EventSource) return;
  var box = null;
  function show(text) {
    if (!box) {
      box = document.createElement('div');
      box.id = 'dossier-build-error';
      box.setAttribute('role', 'alert');
      box.style.cssText = 'position:fixed;left:0;right:0;bottom:0;z-index:2147483647;max-height:60vh;' +
        'overflow:auto;margin:0;padding:1em 1.25em;background:#2b0b0b;color:#ffe9e9;' +
        'font:13px/1.45 ui-monospace,monospace;white-space:pre-wrap;border-top:4px solid #ff5c5c';
      document.body.appendChild(box);
    }
    box.textContent = 'The last build failed; this is the last good version.\n\n' + text;
  }
  function hide() { if (box) { box.remove(); box = null; } }
  var es = new EventSource(root + '__dossier/events');
  function reload() { es.close(); location.reload(); }
  // A new build: fetch this page again. Unchanged: nothing to do. Only
  // <main> (and the title) changed, and no stylesheet, script or image
  // since this page was loaded: swap <main> in place (no flash, scroll and
  // the rest of the page kept). Anything else: reload.
  var busy = false, wanted = 0;
  function update(target) {
    if (busy) { wanted = Math.max(wanted, target); return; }
    busy = true;
    fetch(location.href.split('#')[0], { cache: 'no-store', credentials: 'same-origin' }).then(function (r) {
      if (!r.ok) throw new Error('HTTP ' + r.status);
      return r.text();
    }).then(function (text) {
      var d = new DOMParser().parseFromString(text, 'text/html');
      var s = d.querySelector('script[data-dossier-live]');
      if (!s || +s.getAttribute('data-dossier-assets') > epoch) throw new Error('assets changed');
      var swapped = false;
      if (s.getAttribute('data-dossier-page') !== page) {
        var now = document.getElementsByTagName('main'), next = d.getElementsByTagName('main');
        if (!frame || s.getAttribute('data-dossier-frame') !== frame || now.length !== 1 || next.length !== 1 ||
            next[0].getElementsByTagName('script').length) throw new Error('more than <main> changed');
        now[0].replaceWith(document.importNode(next[0], true));
        document.title = d.title;
        page = s.getAttribute('data-dossier-page');
        swapped = true;
      }
      epoch = Math.max(epoch, +s.getAttribute('data-dossier-live'));
      busy = false;
      document.dispatchEvent(new CustomEvent('dossier:live-update', { detail: { swapped: swapped } }));
      var again = wanted;
      wanted = 0;
      if (again > epoch) update(again);
    }).catch(reload);
  }
  es.addEventListener('epoch', function (e) { if (+e.data > epoch) update(+e.data); });
  es.addEventListener('error', function (e) { if (typeof e.data === 'string') show(e.data); });
  es.addEventListener('ok', hide);
})();
</script>
)JS";

}  // namespace

std::string LiveReloadSnippet(uint64_t epoch, uint64_t assets_epoch, std::string_view page_hash,
                              std::string_view frame_hash) {
  std::string out(kSnippetHead);
  out += std::to_string(epoch);
  out += "\" data-dossier-assets=\"";
  out += std::to_string(assets_epoch);
  out += "\" data-dossier-page=\"";
  out += page_hash;
  out += "\" data-dossier-frame=\"";
  out += frame_hash;
  out += kSnippetTail;
  return out;
}

std::string PageFrameHash(std::string_view html) {
  // The start tag `<main>` or `<main ...>`, exactly once.
  auto main_at = [&](size_t from) {
    for (size_t p = html.find("<main", from); p != std::string_view::npos; p = html.find("<main", p + 1)) {
      char c = p + 5 < html.size() ? html[p + 5] : '\0';
      if (c == '>' || c == ' ' || c == '\t' || c == '\n' || c == '\r') return p;
    }
    return std::string_view::npos;
  };
  const size_t open = main_at(0);
  const size_t close = html.rfind("</main>");
  if (open == std::string_view::npos || close == std::string_view::npos || close < open ||
      main_at(open + 1) != std::string_view::npos)
    return "";
  std::string frame(html.substr(0, open));
  frame += html.substr(close + 7);
  // The title follows the page's content; it is set with <main>.
  const size_t t = frame.find("<title>");
  const size_t te = t == std::string::npos ? t : frame.find("</title>", t);
  if (te != std::string::npos) frame.erase(t + 7, te - t - 7);
  return core::HashHex(frame);
}

std::string StripLiveReloadSnippet(std::string_view html) {
  std::string out(html);
  for (size_t p = out.find(kSnippetHead); p != std::string::npos; p = out.find(kSnippetHead, p)) {
    size_t q = out.find(kSnippetTail, p);
    if (q == std::string::npos) break;
    out.erase(p, q + kSnippetTail.size() - p);
  }
  return out;
}

struct DevServer::Impl {
  ServeOptions o;
  std::unique_ptr<HttpServer> http;
  std::unique_ptr<Watcher> watcher;
  std::thread listener, builder;
  int port = 0;
  std::atomic<bool> running{false};
  std::atomic<bool> stopping{false};
  std::mutex stop_mutex;

  // ---- the served site and its news (guarded by site_mutex) ----
  mutable std::mutex site_mutex;
  mutable std::condition_variable site_cv;  // builds finished, stop
  std::condition_variable news_cv;          // epoch or error changed, stop
  Site current;
  bool building = false;
  // The pages of `current` are out; its search files are being made
  // (pipeline::BuildReport::deferred_search): requests for those wait.
  bool search_pending = false;
  size_t builds_finished = 0;
  std::string error_text;  // "" when the last build was clean
  uint64_t error_seq = 0;
  size_t streams = 0;

  // ---- PageFrameHash by page content hash (guarded by frame_mutex) ----
  static constexpr size_t kFrameHashesMax = 1 << 16;
  std::mutex frame_mutex;
  std::map<std::string, std::string, std::less<>> frame_hashes;

  // ---- pending changes (guarded by pending_mutex) ----
  std::mutex pending_mutex;
  std::condition_variable pending_cv;
  std::vector<Change> pending;
  Clock::time_point last_change;

  // ---- builder-thread state ----
  config::SiteConfig config;
  pipeline::BuildOptions options;
  fs::path briefings_dir;                       // absolute
  struct Snapshot {
    uint64_t stamp = 0;  // core::FileStamp when hashed
    std::string hash;
  };
  std::map<std::string, Snapshot> briefings;  // absolute path -> content hash, as the last build left them
  pipeline::BuildCache cache;                    // a rebuild redoes only what changed

  void Log(const std::string& line) {
    if (o.log) o.log(line);
  }

  // ---- building ----

  // Files whose stamp (size, times, inode) is unchanged keep their hash:
  // a rebuild rewrites a few briefings, not the 1,000s a corpus has.
  void SnapshotBriefings() {
    std::map<std::string, Snapshot> now;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(briefings_dir, ec)) {
      if (!e.is_regular_file(ec)) continue;
      std::string key = core::GenericString(e.path());
      const uint64_t stamp = core::FileStamp(e.path());
      auto old = briefings.find(key);
      if (stamp != 0 && old != briefings.end() && old->second.stamp == stamp) {
        now[key] = std::move(old->second);
        continue;
      }
      std::string data;
      if (core::ReadFile(e.path(), &data).ok()) now[key] = Snapshot{stamp, core::ContentHashHex(data)};
    }
    briefings = std::move(now);
  }

  // True when `path` is a briefing exactly as our last build left it (the
  // build's own write), so the change needs no rebuild.
  bool IsOwnWrite(const fs::path& path) {
    std::string key = core::GenericString(path);
    if (path == briefings_dir) return fs::is_directory(path);
    if (path.parent_path() != briefings_dir) return false;
    std::string data;
    auto it = briefings.find(key);
    std::error_code ec;
    if (!fs::exists(path, ec)) return it == briefings.end();
    return it != briefings.end() && core::ReadFile(path, &data).ok() && core::ContentHashHex(data) == it->second.hash;
  }

  core::Status Load() {
    config::SiteConfig c;
    pipeline::BuildOptions opts;
    core::Status st = o.load(&c, &opts);
    if (!st.ok()) return st;
    config = std::move(c);
    options = std::move(opts);
    briefings_dir = fs::absolute(options.content_dir / "briefings").lexically_normal();
    return st;
  }

  BuildEvent Build(const std::vector<Change>& changes, bool initial) {
    BuildEvent ev;
    ev.initial = initial;
    ev.changes = changes.size();
    for (const auto& c : changes) {
      ev.kinds.insert(c.kind);
      if (ev.first_change.empty()) ev.first_change = core::GenericString(c.path);
    }
    auto start = Clock::now();
    uint64_t next_epoch;
    {
      std::lock_guard<std::mutex> lock(site_mutex);
      building = true;
      next_epoch = current.epoch + 1;
    }
    auto files = std::make_shared<pipeline::MemorySite>();
    pipeline::BuildReport report;
    // What the build is done with, and the site it replaces, are freed
    // once the new pages are out (and the search files, when they follow).
    pipeline::Garbage garbage;
    if (!initial && ev.kinds.count(ChangeKind::kConfig)) ev.status = Load();
    if (ev.status.ok()) {
      // Incremental: the BuildCache keeps what unchanged inputs gave (seeds
      // read, analyses, rendered pages, the search index), so whatever
      // changed, only the work it affects is redone and the result equals
      // a full build.
      pipeline::BuildOptions opts = options;
      opts.memory_site = files.get();
      opts.write_site = true;
      opts.force = false;
      opts.cache = &cache;
      // A `dossier build` running in another terminal holds the project's
      // lock: a rebuild waits for it instead of failing (and being
      // forgotten until the next edit). The first build, which runs before
      // Ctrl-C is listened for, says so at once instead.
      if (!initial) opts.lock_wait_ms = 10 * 60 * 1000;
      opts.cancel = &stopping;
      // The pages are served as soon as they are made; the search index, when
      // it has to be made again, right after (see below).
      opts.defer_search_index = true;
      opts.garbage = &garbage;
      ev.status = pipeline::Build(config, opts, &report, &ev.diagnostics);
      ev.pages = report.pages;
      for (const auto& [stage, seconds] : report.timings) ev.pipeline_seconds += seconds;
      ev.timings = report.timings;
    }
    ev.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    const bool search_due = ev.status.ok() && report.deferred_search;
    // (Only this thread changes `current`.)
    const bool assets_changed = ev.status.ok() && AssetsDiffer(current.files.get(), *files);
    {
      std::lock_guard<std::mutex> lock(site_mutex);
      building = false;
      if (ev.status.ok()) {
        garbage.push_back(std::move(current.files));
        current.files = files;
        current.epoch = next_epoch;
        if (assets_changed) current.assets_epoch = next_epoch;
        search_pending = search_due;
      }
      std::string text = ErrorText(ev.status, ev.diagnostics);
      if (text != error_text) {
        error_text = text;
        ++error_seq;
      }
      ev.ok = ev.status.ok();
      ev.epoch = current.epoch;
      ++builds_finished;
    }
    site_cv.notify_all();
    news_cv.notify_all();
    // After the swap (requests need not wait for it), at once: a briefing
    // the user edits after this is seen as an edit, not as the build's own
    // write (so not after the search index, which can take a while).
    SnapshotBriefings();
    files.reset();
    if (search_due) {
      // Open pages are updating already; the search files follow, made on a
      // thread of their own (the served site is a copy of the published
      // one, plus those files), while this thread goes on with the next
      // edit. A request for one of them waits for it (WaitForSite).
      StartSearch(std::move(ev), std::move(report.deferred_search), std::move(garbage));
      if (initial) FinishSearches(true);
      return {};
    }
    garbage.clear();
    if (o.on_build) o.on_build(ev);
    return ev;
  }

  // ---- the search index, after the pages ----

  // A search index being made after its pages were published
  // (BuildReport::deferred_search). Builder thread only, except `done`.
  struct SearchJob {
    BuildEvent ev;                                // reported once the job is over
    std::shared_ptr<pipeline::MemorySite> site;  // the pages, then the search files
    pipeline::BuildReport report;
    pipeline::Garbage garbage;  // what the build is done with: freed by the job
    Clock::time_point start;
    double seconds = 0;
    std::atomic<bool> done{false};
    std::thread thread;
  };
  std::vector<std::unique_ptr<SearchJob>> search_jobs;

  bool AnySearchDone() const {
    for (const auto& j : search_jobs)
      if (j->done) return true;
    return false;
  }

  void StartSearch(BuildEvent ev, std::function<void(pipeline::MemorySite*, pipeline::BuildReport*,
                                                      core::Diagnostics*)> make, pipeline::Garbage garbage) {
    auto job = std::make_unique<SearchJob>();
    SearchJob* j = job.get();
    j->ev = std::move(ev);
    {
      std::lock_guard<std::mutex> lock(site_mutex);
      j->site = std::make_shared<pipeline::MemorySite>(*current.files);
    }
    j->garbage = std::move(garbage);
    j->start = Clock::now();
    auto run = [this, j, make = std::move(make)] {
      // At a lower priority (nice 10, inherited by its helper threads), so
      // that the browsers updating their pages and the next rebuild come
      // first on a machine with few cores.
      LowerThreadPriority();
      if (o.before_search) o.before_search();
      make(j->site.get(), &j->report, &j->ev.diagnostics);
      j->seconds = std::chrono::duration<double>(Clock::now() - j->start).count();
      j->garbage.clear();
      {
        std::lock_guard<std::mutex> lock(pending_mutex);
        j->done = true;
      }
      pending_cv.notify_all();
    };
    search_jobs.push_back(std::move(job));
    try {
      j->thread = std::thread(run);
    } catch (const std::system_error&) {  // no thread: made here
      run();
    }
  }

  // Publishes the search files of the jobs that are done (with `wait`: of
  // every job, waiting for them): when the site they were made for is still
  // the one served, they join it; after a newer build they are dropped (that
  // build made or makes its own). Then each job's build is reported.
  void FinishSearches(bool wait) {
    for (auto it = search_jobs.begin(); it != search_jobs.end();) {
      SearchJob& j = **it;
      if (!wait && !j.done) {
        ++it;
        continue;
      }
      if (j.thread.joinable()) j.thread.join();
      bool published = false;
      {
        std::lock_guard<std::mutex> lock(site_mutex);
        if (current.epoch == j.ev.epoch && search_pending) {
          current.files = std::move(j.site);
          search_pending = false;
          published = true;
        }
      }
      if (published) site_cv.notify_all();
      j.ev.search_seconds = j.seconds;
      j.ev.search_superseded = !published;
      if (o.on_build) o.on_build(j.ev);
      it = search_jobs.erase(it);
    }
  }

  // A page: served as HTML, with the live-reload script.
  static bool IsHtmlType(std::string_view mime) { return core::StartsWith(mime, "text/html"); }
  static bool IsPage(const std::string& key) { return IsHtmlType(MimeTypeFor(key)); }

  // True when a file other than a page or a search file differs between
  // the two sites (added, removed or changed).
  static bool AssetsDiffer(const pipeline::MemorySite* before, const pipeline::MemorySite& after) {
    if (before == nullptr) return true;
    auto a = before->begin(), b = after.begin();
    auto skip = [](auto it, auto end) {
      while (it != end && (IsPage(it->first) || IsSearchFile(it->first))) ++it;
      return it;
    };
    for (;;) {
      a = skip(a, before->end());
      b = skip(b, after.end());
      if (a == before->end() || b == after.end()) return (a == before->end()) != (b == after.end());
      if (a->first != b->first || a->second.hash != b->second.hash) return true;
      ++a;
      ++b;
    }
  }

  void OnChange(const Change& c) {
    {
      std::lock_guard<std::mutex> lock(pending_mutex);
      pending.push_back(c);
      last_change = Clock::now();
    }
    pending_cv.notify_all();
  }

  // True when the last event of every path in `changes` is settled (the
  // editor is done with it), so a short quiet spell suffices.
  static bool AllSettled(const std::vector<Change>& changes) {
    std::map<std::string, bool> last;
    for (const Change& c : changes) last[core::GenericString(c.path)] = c.settled;
    for (const auto& [path, settled] : last)
      if (!settled) return false;
    return true;
  }

  void RunBuilder() {
    const auto quiet = std::chrono::milliseconds(o.debounce_ms);
    const auto settled_quiet = std::chrono::milliseconds(std::min(o.settled_debounce_ms, o.debounce_ms));
    const auto max_delay = std::chrono::milliseconds(2000);
    // malloc_trim waits for a long idle spell: the pages it hands back are
    // the ones the next rebuild faults in again (1,114 articles: 17.8 k
    // instead of 3.3 k page faults; a rebuild 0.6-0.7 s instead of 1.1-1.35 s),
    // so it only runs once the user has stepped away.
    const auto trim_after = std::chrono::seconds(60);
    bool trim_due = true;  // the first build ran before this loop
    while (!stopping) {
      std::vector<Change> batch;
      {
        std::unique_lock<std::mutex> lock(pending_mutex);
        auto ready = [&] { return stopping || !pending.empty() || AnySearchDone(); };
        if (trim_due && search_jobs.empty() && !pending_cv.wait_for(lock, trim_after, ready)) {
          lock.unlock();
          TrimHeap();
          trim_due = false;
          continue;
        }
        pending_cv.wait(lock, ready);
        if (stopping) break;
        if (AnySearchDone()) {
          lock.unlock();
          FinishSearches(false);
          continue;
        }
        auto first = Clock::now();
        while (!stopping) {  // debounce: wait for a quiet spell
          auto until = last_change + (AllSettled(pending) ? settled_quiet : quiet);
          auto now = Clock::now();
          if (now >= until || now - first >= max_delay) break;
          pending_cv.wait_until(lock, until);
        }
        if (stopping) break;
        batch.swap(pending);
      }
      std::vector<Change> real;
      for (auto& c : batch)
        if (!(c.kind == ChangeKind::kContent && IsOwnWrite(c.path))) real.push_back(std::move(c));
      if (real.empty()) continue;
      Build(real, false);
      trim_due = true;
    }
    FinishSearches(true);
  }

  // Nice +10 for the calling thread (Linux: nice is per thread); best effort.
  static void LowerThreadPriority() {
#ifdef __linux__
    const auto tid = static_cast<id_t>(syscall(SYS_gettid));
    errno = 0;
    const int now = getpriority(PRIO_PROCESS, tid);
    if (errno == 0) setpriority(PRIO_PROCESS, tid, std::min(19, now + 10));
#endif
  }

  static void TrimHeap() {
#ifdef __GLIBC__
    // A rebuild frees most of what it allocated, spread over the arenas of
    // many threads; hand the free pages back so a long session's RSS stays
    // flat (bench/soak-serve).
    malloc_trim(0);
#endif
  }

  // ---- answering ----

  // The site to answer from; `search`: the request is for a search file,
  // which the site may still be waiting for.
  Site WaitForSite(bool search = false) {
    std::unique_lock<std::mutex> lock(site_mutex);
    // Wait for the rebuild running now, not for a quiet moment: under a
    // stream of edits the next rebuild starts at once, and a request that
    // waited for "no build running" could wait until it timed out.
    const size_t running = builds_finished;
    const auto until = Clock::now() + std::chrono::seconds(o.request_wait_seconds);
    site_cv.wait_until(lock, until, [&] { return !building || builds_finished != running || stopping; });
    if (search) site_cv.wait_until(lock, until, [&] { return !search_pending || stopping; });
    return current;
  }

  static bool IsSearchFile(const std::string& key) {
    return std::find(std::begin(pipeline::kSearchFiles), std::end(pipeline::kSearchFiles), key) !=
           std::end(pipeline::kSearchFiles);
  }

  static void Text(HttpResponse& res, int status, const std::string& body) {
    res.status = status;
    res.SetContent(body, "text/plain; charset=utf-8");
  }

  // PageFrameHash of a page of the site, by its content hash: worked out on
  // the page's first request, not on every one (a page is hashed whole).
  std::string FrameHashOf(const std::string& page, std::string_view hash) {
    {
      std::lock_guard<std::mutex> lock(frame_mutex);
      auto it = frame_hashes.find(hash);
      if (it != frame_hashes.end()) return it->second;
    }
    std::string frame = PageFrameHash(page);
    std::lock_guard<std::mutex> lock(frame_mutex);
    if (frame_hashes.size() >= kFrameHashesMax) frame_hashes.clear();  // pages of many builds ago
    frame_hashes.emplace(std::string(hash), frame);
    return frame;
  }

  // `hash`: the page's content hash ("" for a page that is not a file of
  // the site, such as the 404 page at a missing path).
  std::string WithSnippet(const std::string& page, const Site& site, std::string_view hash) {
    std::string snippet =
        LiveReloadSnippet(site.epoch, site.assets_epoch, hash, hash.empty() ? "" : FrameHashOf(page, hash));
    std::string out;
    out.reserve(page.size() + snippet.size());
    size_t body = page.rfind("</body>");
    if (body == std::string::npos) return page + snippet;
    out.append(page, 0, body);
    out += snippet;
    out.append(page, body, std::string::npos);
    return out;
  }

  void NoSiteYet(HttpResponse& res, const std::string& key) {
    std::string error;
    {
      std::lock_guard<std::mutex> lock(site_mutex);
      error = error_text;
    }
    std::string root;
    for (char c : key)
      if (c == '/') root += "../";
    res.status = 503;
    res.SetContent("<!DOCTYPE html>\n<html lang=\"en\" data-root=\"" + root +
                        "\">\n<head><meta charset=\"utf-8\"><title>Build failed</title></head>\n<body>\n"
                        "<h1>The site has not been built yet</h1>\n<pre>" +
                        core::HtmlEscape(error) + "</pre>\n" + LiveReloadSnippet(0) + "</body>\n</html>\n",
                    "text/html; charset=utf-8");
  }

  void ServeFile(const HttpRequest& req, HttpResponse& res, const ResolvedPath& rp) {
    Site site = WaitForSite(IsSearchFile(rp.key));
    if (!site.files) return NoSiteYet(res, rp.key);
    const auto& files = *site.files;
    auto it = files.find(rp.key);
    if (it == files.end()) {
      if (!rp.directory && files.count(rp.key + "/index.html")) {
        res.status = 301;
        res.SetHeader("Location", o.base_path + rp.key + "/");
        return;
      }
      auto nf = files.find("404.html");
      res.status = 404;
      if (nf != files.end()) {
        const size_t depth = static_cast<size_t>(std::count(rp.key.begin(), rp.key.end(), '/'));
        res.SetContent(WithSnippet(RebaseRelativeUrls(nf->second.text(), depth), site, ""),
                        "text/html; charset=utf-8");
      }
      else res.SetContent("404 Not Found\n", "text/plain; charset=utf-8");
      res.SetHeader("Cache-Control", "no-cache");
      return;
    }
    std::string mime = MimeTypeFor(rp.key);
    bool html = IsHtmlType(mime);
    // HTML carries the epoch in its snippet, so its tag does too: a page
    // cached at an older epoch must not be revalidated (it would reload
    // itself again and again).
    std::string etag = "\"" + it->second.hash + (html ? "-" + std::to_string(site.epoch) : "") + "\"";
    res.SetHeader("ETag", etag);
    res.SetHeader("Cache-Control", "no-cache");
    const std::string* if_none_match = req.Header("If-None-Match");
    if (if_none_match != nullptr && EtagMatches(*if_none_match, etag)) {
      res.status = 304;
      return;
    }
    res.status = 200;
    if (html) res.SetContent(WithSnippet(it->second.text(), site, it->second.hash), mime);
    else res.SetContent(it->second.text(), mime);
  }

  void ServeEvents(const HttpRequest& req, HttpResponse& res) {
    {
      std::lock_guard<std::mutex> lock(site_mutex);
      if (streams >= o.max_event_streams) {
        res.SetHeader("Retry-After", "2");
        return Text(res, 503, "too many live-reload streams\n");
      }
      ++streams;
    }
    struct State {
      bool first = true;
      uint64_t epoch = 0;
      uint64_t error_seq = 0;
      int fd = -1;
      Clock::time_point last_write;
    };
    auto state = std::make_shared<State>();
    state->fd = FindSocket(req);
    res.SetHeader("Cache-Control", "no-cache");
    res.SetHeader("X-Accel-Buffering", "no");
    res.content_type = "text/event-stream";
    res.stream = [this, state](HttpStream& sink) {
      std::string out;
      {
        std::unique_lock<std::mutex> lock(site_mutex);
        if (state->first) {
          state->first = false;
          out = "retry: 1000\n\n";
          out += SseData("epoch", std::to_string(current.epoch));
          if (!error_text.empty()) out += SseData("error", error_text);
          state->epoch = current.epoch;
          state->error_seq = error_seq;
        } else {
          // Wake every second to notice a closed peer or a stop.
          auto keepalive = std::chrono::seconds(o.keepalive_seconds);
          for (;;) {
            bool news = news_cv.wait_for(lock, std::chrono::seconds(1), [&] {
              return stopping || current.epoch != state->epoch || error_seq != state->error_seq;
            });
            if (stopping) {
              lock.unlock();
              sink.Done();
              return true;
            }
            if (news) break;
            if (PeerClosed(state->fd)) return false;
            // Without the socket, a short heartbeat finds a closed peer instead.
            auto beat = state->fd < 0 ? std::chrono::seconds(2) : keepalive;
            if (Clock::now() - state->last_write >= beat) break;
          }
          if (current.epoch != state->epoch) {
            out += SseData("epoch", std::to_string(current.epoch));
            state->epoch = current.epoch;
          }
          if (error_seq != state->error_seq) {
            out += error_text.empty() ? SseData("ok", "") : SseData("error", error_text);
            state->error_seq = error_seq;
          }
          if (out.empty()) out = ": keep-alive\n\n";
        }
      }
      state->last_write = Clock::now();
      return sink.Write(out);
    };
    res.stream_end = [this] {
      std::lock_guard<std::mutex> lock(site_mutex);
      --streams;
    };
  }

  void Handle(const HttpRequest& req, HttpResponse& res) {
    res.SetHeader("X-Content-Type-Options", "nosniff");
    if (req.method != "GET" && req.method != "HEAD") {
      res.SetHeader("Allow", "GET, HEAD");
      res.SetHeader("Connection", "close");
      return Text(res, 405, "405 Method Not Allowed\n");
    }
    ResolvedPath rp = ResolveRequestPath(req.target, o.base_path);
    switch (rp.verdict) {
      case PathVerdict::kBadRequest:
        return Text(res, 400, "400 Bad Request: " + rp.reason + "\n");
      case PathVerdict::kNotFound:
        return Text(res, 404, "404 Not Found (the site is served under " + o.base_path + ")\n");
      case PathVerdict::kRedirect:
        res.status = 302;
        res.SetHeader("Location", rp.location);
        return;
      case PathVerdict::kEvents:
        return ServeEvents(req, res);
      case PathVerdict::kFile:
        return ServeFile(req, res, rp);
    }
  }
};

DevServer::DevServer(ServeOptions options) : impl_(new Impl) { impl_->o = std::move(options); }

DevServer::~DevServer() { Stop(); }

core::Status DevServer::Start() {
  Impl& m = *impl_;
  core::Status st = m.Load();
  if (!st.ok()) return st;

  HttpServerOptions ho;
  ho.threads = m.o.workers + m.o.max_event_streams;
  std::string error;
  m.http = NewHttpServer(ho, [&m](const HttpRequest& req, HttpResponse& res) { m.Handle(req, res); }, &error);
  if (!m.http) return core::Status::Io(error);
  m.port = m.http->Bind(m.o.bind, m.o.port);
  if (m.port <= 0) {
    m.port = 0;
    if (m.o.port == 0) return core::Status::Io("cannot listen on " + m.o.bind + " (any port)");
    return core::Status::Io("cannot listen on " + m.o.bind + ":" + std::to_string(m.o.port) +
                            " (is the port in use? try --port)");
  }

  // Watch before the first build so nothing edited during it is missed.
  std::vector<WatchRoot> roots;
  auto abs = [](const fs::path& p) { return fs::absolute(p).lexically_normal(); };
  roots.push_back({abs(m.options.seeds_dir), ChangeKind::kSeed, false});
  roots.push_back({abs(m.options.content_dir), ChangeKind::kContent, false});
  roots.push_back({abs(m.options.project_dir / "themes"), ChangeKind::kTheme, false});
  roots.push_back({abs(m.options.project_dir / "templates"), ChangeKind::kTheme, false});
  if (!m.o.config_file.empty()) roots.push_back({abs(m.o.config_file), ChangeKind::kConfig, true});
  for (auto& r : roots)
    if (r.path.filename().empty()) r.path = r.path.parent_path();  // "seeds/" -> "seeds"
  m.watcher = std::make_unique<Watcher>(roots, m.o.force_polling, [&m](const Change& c) { m.OnChange(c); });
  st = m.watcher->Start();
  if (!st.ok()) return st;
  if (m.watcher->polling()) m.Log("watching by polling every 500 ms (inotify unavailable)");

  m.Build({}, true);
  m.running = true;
  m.builder = std::thread([&m] { m.RunBuilder(); });
  m.listener = std::thread([&m] { m.http->Listen(); });
  return core::Status::Ok();
}

void DevServer::Stop() {
  Impl& m = *impl_;
  std::lock_guard<std::mutex> guard(m.stop_mutex);
  m.stopping = true;
  {
    std::lock_guard<std::mutex> lock(m.site_mutex);
  }
  m.site_cv.notify_all();
  m.news_cv.notify_all();
  {
    std::lock_guard<std::mutex> lock(m.pending_mutex);
  }
  m.pending_cv.notify_all();
  if (m.watcher) m.watcher->Stop();
  if (m.http) m.http->Stop();
  if (m.listener.joinable()) m.listener.join();
  if (m.builder.joinable()) m.builder.join();
  m.running = false;
}

bool DevServer::running() const { return impl_->running; }
int DevServer::port() const { return impl_->port; }

std::string DevServer::url() const {
  const std::string& host = impl_->o.bind;
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (h == "0.0.0.0") h = "127.0.0.1";
  if (h == "[::]") h = "[::1]";
  return "http://" + h + ":" + std::to_string(impl_->port) + impl_->o.base_path;
}

Site DevServer::site() const {
  std::unique_lock<std::mutex> lock(impl_->site_mutex);
  impl_->site_cv.wait(lock, [&] { return !impl_->search_pending || impl_->stopping; });
  return impl_->current;
}

uint64_t DevServer::epoch() const {
  std::lock_guard<std::mutex> lock(impl_->site_mutex);
  return impl_->current.epoch;
}

size_t DevServer::builds_finished() const {
  std::lock_guard<std::mutex> lock(impl_->site_mutex);
  return impl_->builds_finished;
}

bool DevServer::WaitForBuilds(size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(impl_->site_mutex);
  return impl_->site_cv.wait_for(lock, timeout, [&] { return impl_->builds_finished >= n; });
}

void DevServer::Notify(const Change& change) { impl_->OnChange(change); }

}  // namespace dossier::serve
