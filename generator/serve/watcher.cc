// Watching the inputs: inotify (recursive, new folders added as they appear)
// with a polling fallback (mtime + size scan every 500 ms).
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <map>
#include <mutex>
#include <thread>

#include "serve/serve.h"

namespace dossier::serve {

namespace {

constexpr uint32_t kMask = IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO |
                           IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF;

struct Stamp {
  fs::file_time_type mtime;
  uintmax_t size = 0;
  bool dir = false;
  bool operator==(const Stamp& o) const { return mtime == o.mtime && size == o.size && dir == o.dir; }
};

}  // namespace

struct Watcher::Impl {
  std::vector<WatchRoot> roots;
  bool force_polling = false;
  Callback callback;

  std::thread thread;
  std::atomic<bool> stop{false};
  std::atomic<bool> polling{false};
  int inotify_fd = -1;
  int wake_fd = -1;

  // inotify: watch descriptor -> what it watches.
  struct WatchInfo {
    fs::path dir;
    int tree_root = -1;        // index of the folder root this folder belongs to
    std::vector<int> anchors;  // roots whose own name lives in this folder
  };
  std::map<int, WatchInfo> watches;

  // polling: path -> stamp.
  std::map<std::string, Stamp> stamps;
  std::mutex poll_mutex;
  std::condition_variable poll_cv;

  void Report(ChangeKind kind, const fs::path& path, bool settled = true) { callback(Change{kind, path, settled}); }

  // ---- inotify ----

  bool AddWatch(const fs::path& dir, int tree_root, int anchor) {
    int wd = inotify_add_watch(inotify_fd, dir.c_str(), kMask);
    if (wd < 0) return errno != ENOSPC && errno != ENOMEM;  // vanished folders are fine; limits are not
    WatchInfo& w = watches[wd];
    w.dir = dir;
    if (tree_root >= 0) w.tree_root = tree_root;
    if (anchor >= 0 && std::find(w.anchors.begin(), w.anchors.end(), anchor) == w.anchors.end())
      w.anchors.push_back(anchor);
    return true;
  }

  bool AddTree(const fs::path& dir, int root) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return true;
    if (!AddWatch(dir, root, -1)) return false;
    for (fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
         !ec && it != end; it.increment(ec)) {
      if (!it->is_directory(ec) || it->is_symlink(ec)) continue;
      if (IsIgnoredFileName(it->path().filename().string())) {
        it.disable_recursion_pending();
        continue;
      }
      if (!AddWatch(it->path(), root, -1)) return false;
    }
    return true;
  }

  bool SetUpInotify() {
    inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (inotify_fd < 0) return false;
    for (size_t i = 0; i < roots.size(); ++i) {
      const WatchRoot& r = roots[i];
      fs::path parent = r.path.parent_path();
      if (parent.empty()) parent = ".";
      if (!AddWatch(parent, -1, static_cast<int>(i))) return false;
      if (!r.file && !AddTree(r.path, static_cast<int>(i))) return false;
    }
    return true;
  }

  void HandleEvent(const inotify_event* ev) {
    if (ev->mask & IN_Q_OVERFLOW) {
      for (const auto& r : roots) Report(r.kind, {});
      return;
    }
    auto it = watches.find(ev->wd);
    if (it == watches.end()) return;
    if (ev->mask & IN_IGNORED) {
      watches.erase(it);
      return;
    }
    WatchInfo info = it->second;  // copy: AddTree may rehash the map
    std::string name = ev->len ? std::string(ev->name) : std::string();
    bool new_dir = (ev->mask & IN_ISDIR) && (ev->mask & (IN_CREATE | IN_MOVED_TO));
    if (!name.empty()) {
      for (int a : info.anchors) {
        const WatchRoot& r = roots[static_cast<size_t>(a)];
        if (r.path.filename() != name) continue;
        Report(r.kind, r.path);
        if (!r.file && new_dir) AddTree(r.path, a);
      }
    }
    if (info.tree_root < 0) return;
    const WatchRoot& r = roots[static_cast<size_t>(info.tree_root)];
    if (name.empty()) {
      if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF)) Report(r.kind, info.dir);
      return;
    }
    if (IsIgnoredFileName(name)) return;
    fs::path path = info.dir / name;
    // A file created or modified is being written; closed after writing,
    // moved in or removed, it is complete (a new folder's files report
    // themselves).
    const bool writing = !(ev->mask & IN_ISDIR) && (ev->mask & (IN_CREATE | IN_MODIFY)) &&
                         !(ev->mask & (IN_CLOSE_WRITE | IN_MOVED_TO | IN_DELETE | IN_MOVED_FROM));
    Report(r.kind, path, !writing);
    if (new_dir) AddTree(path, info.tree_root);
  }

  void RunInotify() {
    alignas(inotify_event) char buf[64 * 1024];
    pollfd fds[2] = {{inotify_fd, POLLIN, 0}, {wake_fd, POLLIN, 0}};
    while (!stop) {
      int n = ::poll(fds, 2, -1);
      if (n < 0) {
        if (errno == EINTR) continue;
        break;
      }
      if (fds[1].revents) break;
      if (!(fds[0].revents & POLLIN)) continue;
      for (;;) {
        ssize_t len = ::read(inotify_fd, buf, sizeof buf);
        if (len <= 0) break;
        for (char* p = buf; p < buf + len;) {
          auto* ev = reinterpret_cast<inotify_event*>(p);
          HandleEvent(ev);
          p += sizeof(inotify_event) + ev->len;
        }
      }
    }
  }

  // ---- polling ----

  void Scan(std::map<std::string, Stamp>* out) {
    std::error_code ec;
    for (const auto& r : roots) {
      auto stamp = [&](const fs::path& p, bool dir) {
        // A folder counts by its presence only: its mtime changes with every
        // file added or removed, and those files report themselves (an
        // ignored editor file must not make its folder look changed).
        Stamp s;
        s.dir = dir;
        if (!dir) {
          s.mtime = fs::last_write_time(p, ec);
          s.size = fs::file_size(p, ec);
        }
        (*out)[core::GenericString(p)] = s;
      };
      if (r.file) {
        if (fs::is_regular_file(r.path, ec)) stamp(r.path, false);
        continue;
      }
      if (!fs::is_directory(r.path, ec)) continue;
      stamp(r.path, true);
      for (fs::recursive_directory_iterator it(r.path, fs::directory_options::skip_permission_denied, ec), end;
           !ec && it != end; it.increment(ec)) {
        bool dir = it->is_directory(ec);
        if (IsIgnoredFileName(it->path().filename().string())) {
          if (dir) it.disable_recursion_pending();
          continue;
        }
        stamp(it->path(), dir);
      }
    }
  }

  ChangeKind KindOf(const std::string& path) const {
    for (const auto& r : roots) {
      std::string root = core::GenericString(r.path);
      if (path == root || core::StartsWith(path, root + "/")) return r.kind;
    }
    return ChangeKind::kContent;
  }

  void RunPolling() {
    while (!stop) {
      {
        std::unique_lock<std::mutex> lock(poll_mutex);
        poll_cv.wait_for(lock, std::chrono::milliseconds(500), [&] { return stop.load(); });
      }
      if (stop) break;
      std::map<std::string, Stamp> now;
      Scan(&now);
      for (const auto& [path, s] : now) {
        auto it = stamps.find(path);
        if (it == stamps.end() || !(it->second == s)) Report(KindOf(path), path);
      }
      for (const auto& [path, s] : stamps)
        if (!now.count(path)) Report(KindOf(path), path);
      stamps.swap(now);
    }
  }
};

Watcher::Watcher(std::vector<WatchRoot> roots, bool force_polling, Callback callback) : impl_(new Impl) {
  impl_->roots = std::move(roots);
  impl_->force_polling = force_polling;
  impl_->callback = std::move(callback);
}

Watcher::~Watcher() {
  Stop();
  if (impl_->inotify_fd >= 0) ::close(impl_->inotify_fd);
  if (impl_->wake_fd >= 0) ::close(impl_->wake_fd);
}

core::Status Watcher::Start() {
  Impl& m = *impl_;
  m.wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (m.wake_fd < 0) return core::Status::Io(std::string("eventfd: ") + std::strerror(errno));
  bool inotify = !m.force_polling && m.SetUpInotify();
  if (!inotify) {
    if (m.inotify_fd >= 0) ::close(m.inotify_fd);
    m.inotify_fd = -1;
    m.watches.clear();
    m.polling = true;
    m.Scan(&m.stamps);
    m.thread = std::thread([&m] { m.RunPolling(); });
  } else {
    m.thread = std::thread([&m] { m.RunInotify(); });
  }
  return core::Status::Ok();
}

void Watcher::Stop() {
  Impl& m = *impl_;
  m.stop = true;
  if (m.wake_fd >= 0) {
    uint64_t one = 1;
    ssize_t w = ::write(m.wake_fd, &one, sizeof one);
    (void)w;
  }
  {
    std::lock_guard<std::mutex> lock(m.poll_mutex);
  }
  m.poll_cv.notify_all();
  if (m.thread.joinable()) m.thread.join();
}

bool Watcher::polling() const { return impl_->polling; }

}  // namespace dossier::serve
