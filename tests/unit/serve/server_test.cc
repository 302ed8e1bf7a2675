// The development server in process, on an ephemeral loopback port.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "serve/http.h"
#include "serve_test_util.h"

using namespace dossier::serve;
using namespace dossier::serve::testing;
using dossier::test::TempDir;

namespace {

// Sends `request` verbatim (no client-side normalisation) and returns the
// whole response.
std::string RawRequest(int port, const std::string& request) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return "";
  }
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ssize_t w = send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  (void)w;
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = recv(fd, buf, sizeof buf, 0)) > 0;) out.append(buf, static_cast<size_t>(n));
  close(fd);
  return out;
}

int StatusOf(const std::string& response) {
  if (response.size() < 12 || response.compare(0, 5, "HTTP/") != 0) return -1;
  return std::atoi(response.c_str() + 9);
}

std::string GetRaw(int port, const std::string& target) {
  return RawRequest(port, "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
}

const std::string kSeed = "000_9b48b837f428a0fc.txt";

struct Fixture {
  TempDir dir;
  std::unique_ptr<DevServer> server;
  explicit Fixture(const std::string& base = "/", bool polling = false, std::function<void()> before_search = {}) {
    MakeProject(dir.path());
    ServeOptions o = OptionsFor(dir.path(), base);
    o.force_polling = polling;
    o.before_search = std::move(before_search);
    server = std::make_unique<DevServer>(o);
    dossier::core::Status st = server->Start();
    INFO(st.ToString());
    REQUIRE(st.ok());
    REQUIRE(server->epoch() == 1);
  }
  httplib::Client Client() const {
    httplib::Client c("127.0.0.1", server->port());
    c.set_url_encode(false);
    c.set_read_timeout(10, 0);
    c.set_keep_alive(false);
    return c;
  }
};

// Reads the event stream on a thread until `predicate(text so far)` holds.
class EventReader {
 public:
  EventReader(int port, std::string path, std::function<bool(const std::string&)> predicate)
      : thread_([this, port, path, predicate] {
          httplib::Client c("127.0.0.1", port);
          c.set_read_timeout(15, 0);
          c.Get(path.c_str(), [&](const char* data, size_t len) {
            std::lock_guard<std::mutex> lock(mutex_);
            text_.append(data, len);
            if (predicate(text_)) {
              done_ = true;
              return false;
            }
            return true;
          });
          finished_ = true;
        }) {}
  ~EventReader() {
    if (thread_.joinable()) thread_.join();
  }
  bool WaitFor(const std::string& needle, std::chrono::seconds timeout = std::chrono::seconds(10)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (text_.find(needle) != std::string::npos) return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }
  void Join() { thread_.join(); }
  std::string text() {
    std::lock_guard<std::mutex> lock(mutex_);
    return text_;
  }
  bool done() const { return done_; }

 private:
  std::mutex mutex_;
  std::string text_;
  std::atomic<bool> done_{false}, finished_{false};
  std::thread thread_;
};

}  // namespace

TEST_CASE("serve: pages, MIME types, HEAD and the 404 page", "[serve]") {
  Fixture f;
  auto c = f.Client();
  auto site = f.server->site();
  REQUIRE(site.files->count("index.html"));

  auto r = c.Get("/");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->get_header_value("Content-Type") == "text/html; charset=utf-8");
  CHECK(r->get_header_value("X-Content-Type-Options") == "nosniff");
  CHECK(r->body.find("data-dossier-live=\"1\"") != std::string::npos);
  CHECK(StripLiveReloadSnippet(r->body) == site.files->at("index.html").text());
  CHECK(r->body.find("<script data-dossier-live") < r->body.rfind("</body>"));

  struct Want {
    const char* path;
    const char* type;
  };
  for (const Want& w : {Want{"/index.html", "text/html; charset=utf-8"},
                        Want{"/assets/site.css", "text/css; charset=utf-8"},
                        Want{"/assets/search.js", "text/javascript; charset=utf-8"},
                        Want{"/assets/favicon.svg", "image/svg+xml"}, Want{"/feed.xml", "application/xml; charset=utf-8"}}) {
    INFO(w.path);
    auto x = c.Get(w.path);
    REQUIRE(x);
    CHECK(x->status == 200);
    CHECK(x->get_header_value("Content-Type") == w.type);
  }
  // Every file of the site answers with its own bytes.
  // Every file of the site answers with its own bytes (HTML with the
  // live-reload snippet before </body>, and only then).
  for (const auto& [path, file] : *site.files) {
    if (path.find(' ') != std::string::npos) continue;
    auto x = c.Get(("/" + path).c_str());
    REQUIRE(x);
    INFO(path);
    CHECK(x->status == 200);
    bool html = path.size() > 5 && path.compare(path.size() - 5, 5, ".html") == 0;
    CHECK((x->body.find("data-dossier-live") != std::string::npos) == html);
    CHECK(StripLiveReloadSnippet(x->body) == file.text());
  }

  auto head = c.Head("/index.html");
  REQUIRE(head);
  CHECK(head->status == 200);
  CHECK(head->body.empty());
  const auto& index = site.files->at("index.html");
  CHECK(head->get_header_value("Content-Length") ==
        std::to_string(index.text().size() +
                       LiveReloadSnippet(site.epoch, site.assets_epoch, index.hash, PageFrameHash(index.text())).size()));
  CHECK(head->get_header_value("Content-Type") == "text/html; charset=utf-8");

  // Never compressed, whatever the client accepts (httplib would use Brotli
  // at its slowest setting: seconds for a large search index).
  {
    httplib::Client raw = f.Client();
    raw.set_decompress(false);
    for (const char* path : {"/index.html", "/search-index.json", "/search-store.json"}) {
      INFO(path);
      auto r = raw.Get(path, {{"Accept-Encoding", "gzip, deflate, br"}});
      REQUIRE(r);
      CHECK(r->status == 200);
      CHECK_FALSE(r->has_header("Content-Encoding"));
      CHECK(StripLiveReloadSnippet(r->body) == site.files->at(std::string(path).substr(1)).text());
    }
  }

  auto nf = c.Get("/no-such-page.html");
  REQUIRE(nf);
  CHECK(nf->status == 404);
  CHECK(StripLiveReloadSnippet(nf->body) == site.files->at("404.html").text());
  CHECK(nf->body.find("data-dossier-live") != std::string::npos);
  CHECK(nf->get_header_value("Content-Type") == "text/html; charset=utf-8");
  // A missing page two folders down: the 404 page's relative URLs are
  // rebased to the site root, so its styles, menu and search still work.
  auto deep = c.Get("/briefings/old/gone.html");
  REQUIRE(deep);
  CHECK(deep->status == 404);
  CHECK(deep->body.find("href=\"../../assets/site.css\"") != std::string::npos);
  CHECK(deep->body.find("data-root=\"../../\"") != std::string::npos);
  CHECK(deep->body.find("action=\"../../search.html\"") != std::string::npos);
  CHECK(deep->body.find("href=\"assets/") == std::string::npos);
  // Never guesses ".html"; folders without index.html are 404.
  CHECK(c.Get("/search")->status == 404);
  CHECK(c.Get("/briefings/")->status == (site.files->count("briefings/index.html") ? 200 : 404));
  CHECK(c.Get("/assets/")->status == 404);

  auto post = c.Post("/index.html", "x", "text/plain");
  REQUIRE(post);
  CHECK(post->status == 405);
}

TEST_CASE("serve: ETag and If-None-Match give 304", "[serve]") {
  Fixture f;
  auto c = f.Client();
  auto r = c.Get("/assets/site.css");
  REQUIRE(r);
  std::string etag = r->get_header_value("ETag");
  REQUIRE(etag.size() > 2);
  CHECK(etag.front() == '"');
  auto again = c.Get("/assets/site.css", {{"If-None-Match", etag}});
  REQUIRE(again);
  CHECK(again->status == 304);
  CHECK(again->body.empty());
  CHECK(c.Get("/assets/site.css", {{"If-None-Match", "\"other\", " + etag}})->status == 304);
  CHECK(c.Get("/assets/site.css", {{"If-None-Match", "W/" + etag}})->status == 304);
  CHECK(c.Get("/assets/site.css", {{"If-None-Match", "\"other\""}})->status == 200);
  // A page's ETag changes with every build (it carries the epoch).
  std::string page_etag = c.Get("/index.html")->get_header_value("ETag");
  f.server->Notify({ChangeKind::kTheme, f.dir / "themes"});
  REQUIRE(Settle(*f.server, 2));
  CHECK(c.Get("/index.html", {{"If-None-Match", page_etag}})->status == 200);
  CHECK(c.Get("/assets/site.css", {{"If-None-Match", etag}})->status == 304);
}

TEST_CASE("serve: traversal and malformed paths are refused over HTTP", "[serve]") {
  Fixture f;
  // A file outside the site that a traversal would reach.
  WriteFileOrDie(f.dir / "secret.txt", "TOP-SECRET");
  int port = f.server->port();
  const char* attacks[] = {"/../etc/passwd",
                           "/../secret.txt",
                           "/%2e%2e/secret.txt",
                           "/%2E%2E/%2E%2E/etc/passwd",
                           "/..%2fsecret.txt",
                           "/%2e%2e%5csecret.txt",
                           "/\\..\\secret.txt",
                           "/assets/..%2f..%2fsecret.txt",
                           "/index.html%00",
                           "/%c0%ae%c0%ae/secret.txt",
                           "//secret.txt",
                           "/./secret.txt",
                           "/dossier.yaml",
                           "/themes/default/templates/404.mustache",
                           "/seeds/000_9b48b837f428a0fc.txt"};
  for (const char* a : attacks) {
    INFO(a);
    std::string resp = GetRaw(port, a);
    int status = StatusOf(resp);
    CHECK((status == 400 || status == 404));
    CHECK(resp.find("TOP-SECRET") == std::string::npos);
    CHECK(resp.find("root:") == std::string::npos);
  }
  std::string long_target = "/" + std::string(2000, 'a');
  CHECK(StatusOf(GetRaw(port, long_target)) == 400);
  // Absolute-form and garbage request lines.
  CHECK(StatusOf(GetRaw(port, "http://127.0.0.1/../secret.txt")) == 400);
  std::string nul = std::string("GET /index.html") + '\0' + "x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";
  int s = StatusOf(RawRequest(port, nul));
  CHECK((s == 400 || s == 404 || s == -1));
  // A large body is refused without being read.
  std::string big = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10000000\r\nConnection: close\r\n\r\n";
  int bs = StatusOf(RawRequest(port, big));
  CHECK((bs == 405 || bs == 413));
  // The server still works.
  CHECK(StatusOf(GetRaw(port, "/index.html")) == 200);
}

TEST_CASE("serve: --base-path serves the site under a subpath only", "[serve]") {
  Fixture f("/sub/");
  auto c = f.Client();
  auto root = c.Get("/");
  REQUIRE(root);
  CHECK(root->status == 302);
  CHECK(root->get_header_value("Location") == "/sub/");
  CHECK(c.Get("/sub")->status == 302);
  auto home = c.Get("/sub/");
  REQUIRE(home);
  CHECK(home->status == 200);
  CHECK(StripLiveReloadSnippet(home->body) == f.server->site().files->at("index.html").text());
  CHECK(c.Get("/sub/assets/site.css")->status == 200);
  CHECK(c.Get("/index.html")->status == 404);
  CHECK(c.Get("/assets/site.css")->status == 404);
  CHECK(c.Get("/sub/missing.html")->status == 404);
  CHECK(c.Get("/sub/../index.html")->status == 400);
  CHECK(c.Get("/sub/%2e%2e/sub/index.html")->status == 400);
  CHECK(f.server->url() == "http://127.0.0.1:" + std::to_string(f.server->port()) + "/sub/");
}

TEST_CASE("serve: the event stream announces a rebuild after a seed changes", "[serve]") {
  Fixture f;
  EventReader reader(f.server->port(), "/briefings/__dossier/events",
                     [](const std::string& t) { return t.find("event: epoch\ndata: 2\n") != std::string::npos; });
  REQUIRE(reader.WaitFor("event: epoch\ndata: 1\n"));
  std::string before = f.Client().Get("/index.html")->body;
  {
    std::ofstream out(f.dir / "seeds" / kSeed, std::ios::app);
    out << "\nA paragraph added while serving, about the Live Reload Test Marker.\n";
  }
  REQUIRE(reader.WaitFor("event: epoch\ndata: 2\n"));
  reader.Join();
  CHECK(reader.done());
  CHECK(f.server->epoch() == 2);
  auto c = f.Client();
  std::string after = c.Get("/index.html")->body;
  CHECK(after.find("data-dossier-live=\"2\"") != std::string::npos);
  // The rebuild's own briefing writes do not trigger another build.
  size_t builds = f.server->builds_finished();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  CHECK(f.server->builds_finished() == builds);
}

// What the live-reload script decides with: a page's hash and frame hash,
// and the last epoch that changed anything but pages and search files.
std::string SnippetAttribute(const std::string& page, const std::string& name) {
  size_t at = page.find("<script data-dossier-live=");
  if (at == std::string::npos) return "<none>";
  size_t end = page.find('>', at);
  std::string key = " " + name + "=\"";
  size_t p = page.find(key, at);
  if (p == std::string::npos || p > end) return "<none>";
  p += key.size();
  return page.substr(p, page.find('"', p) - p);
}

TEST_CASE("serve: PageFrameHash is a hash of the page without <main> and the title's text", "[serve]") {
  const std::string a = "<html><head><title>One</title></head><body><nav>menu</nav>\n"
                        "<main id=\"main\" class=\"main\">first text</main>\n<footer>f</footer></body></html>";
  const std::string b = "<html><head><title>Two, longer</title></head><body><nav>menu</nav>\n"
                        "<main class=\"other\"><p>second <b>text</b></p></main>\n<footer>f</footer></body></html>";
  CHECK_FALSE(PageFrameHash(a).empty());
  CHECK(PageFrameHash(a) == PageFrameHash(b));  // only <main> and the title differ
  std::string c = b;
  c.replace(c.find("menu"), 4, "MENU");
  CHECK(PageFrameHash(c) != PageFrameHash(a));  // the menu changed
  std::string d = a;
  d.replace(d.find("<footer>f"), 9, "<footer>g");
  CHECK(PageFrameHash(d) != PageFrameHash(a));
  // No <main>, or two: nothing to swap.
  CHECK(PageFrameHash("<html><body><div>x</div></body></html>").empty());
  CHECK(PageFrameHash("<body><main>a</main><main>b</main></body>").empty());
  CHECK(PageFrameHash("<body><mainly>a</mainly></body>").empty());
  CHECK(PageFrameHash("<body></main><main>a</body>").empty());
}

TEST_CASE("serve: pages tell the live-reload script their hash, frame and the assets' epoch", "[serve]") {
  Fixture f;
  auto c = f.Client();
  auto site = f.server->site();
  CHECK(site.assets_epoch == 1);
  const std::string brief_key = [&] {
    for (const auto& [path, file] : *site.files)
      if (path.rfind("briefings/", 0) == 0 && path.find(".html") != std::string::npos) return path;
    return std::string();
  }();
  REQUIRE_FALSE(brief_key.empty());
  const std::string url = "/" + brief_key;
  std::string page = c.Get(url.c_str())->body;
  const auto& file = site.files->at(brief_key);
  CHECK(SnippetAttribute(page, "data-dossier-page") == file.hash);
  CHECK(SnippetAttribute(page, "data-dossier-frame") == PageFrameHash(file.text()));
  CHECK_FALSE(SnippetAttribute(page, "data-dossier-frame").empty());
  CHECK(SnippetAttribute(page, "data-dossier-assets") == "1");
  // The 404 page at a missing path is no file of the site: it always reloads.
  std::string missing = c.Get("/nothing-here.html")->body;
  CHECK(SnippetAttribute(missing, "data-dossier-page").empty());
  CHECK(SnippetAttribute(missing, "data-dossier-frame").empty());

  // A seed edit changes pages only: the assets' epoch stays, the briefing's
  // hash changes and its frame does not (the same template).
  {
    std::ofstream out(f.dir / "seeds" / kSeed, std::ios::app);
    out << "\nA paragraph added while serving, about the Frame Test Marker.\n";
  }
  REQUIRE(f.server->WaitForBuilds(2, std::chrono::seconds(20)));
  site = f.server->site();
  CHECK(site.epoch == 2);
  CHECK(site.assets_epoch == 1);
  std::string after;
  for (const auto& [path, file2] : *site.files) {
    if (file2.text().find("Frame Test Marker") != std::string::npos && path.rfind("briefings/", 0) == 0) after = path;
  }
  REQUIRE_FALSE(after.empty());
  std::string edited = c.Get(("/" + after).c_str())->body;
  CHECK(SnippetAttribute(edited, "data-dossier-live") == "2");
  CHECK(SnippetAttribute(edited, "data-dossier-assets") == "1");
  CHECK(SnippetAttribute(edited, "data-dossier-page") == site.files->at(after).hash);
  if (after == brief_key) {
    CHECK(SnippetAttribute(edited, "data-dossier-page") != SnippetAttribute(page, "data-dossier-page"));
    CHECK(SnippetAttribute(edited, "data-dossier-frame") == SnippetAttribute(page, "data-dossier-frame"));
  }

  // A stylesheet edit: open pages must reload to get it.
  {
    std::ofstream out(f.dir / "themes/default/static/assets/site.css", std::ios::app);
    out << "\nbody { outline: 1px solid red; }\n";
  }
  REQUIRE(f.server->WaitForBuilds(3, std::chrono::seconds(20)));
  site = f.server->site();
  CHECK(site.epoch == 3);
  CHECK(site.assets_epoch == 3);
  CHECK(SnippetAttribute(c.Get(url.c_str())->body, "data-dossier-assets") == "3");
}

// The search index is made after the new pages are served (they reload at
// once); a request for a search file in between waits for it, so a page of
// the new epoch never gets the old index.
TEST_CASE("serve: search files asked for right after a rebuild are the new build's", "[serve]") {
  // The index of the test project takes a millisecond: hold it back so the
  // requests below are made before it is there.
  std::atomic<int> held{0};
  std::atomic<int> nice{-100};  // of the thread that makes the index
  Fixture f("/", false, [&] {
    nice = getpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)));
    if (held++ > 0) std::this_thread::sleep_for(std::chrono::milliseconds(400));
  });
  EventReader reader(f.server->port(), "/__dossier/events",
                     [](const std::string& t) { return t.find("event: epoch\ndata: 2\n") != std::string::npos; });
  REQUIRE(reader.WaitFor("event: epoch\ndata: 1\n"));
  const std::string word = "zorblax";  // the stemmer leaves it as it is
  CHECK(f.Client().Get("/search-index.json")->body.find(word) == std::string::npos);
  {
    std::ofstream out(f.dir / "seeds" / kSeed, std::ios::app);
    out << "\nThe minister called the plan " << word << " on Friday.\n";
  }
  REQUIRE(reader.WaitFor("event: epoch\ndata: 2\n"));
  auto c = f.Client();
  for (const char* path : {"/search-index.json", "/search-data.js", "/search-store.json"}) {
    INFO(path);
    auto r = c.Get(path);
    REQUIRE(r);
    CHECK(r->status == 200);
    if (std::string(path) != "/search-store.json") CHECK(r->body.find(word) != std::string::npos);
    CHECK(r->body == f.server->site().files->at(path + 1).text());
  }
  CHECK(held == 2);  // the first build's index and the rebuild's
  // Made at a lower priority than the pages, which browsers are reloading.
  CHECK(nice == std::min(19, getpriority(PRIO_PROCESS, 0) + 10));
  reader.Join();
}

// The search index is made on a thread of its own: an edit saved while the
// previous rebuild's index is still being made is rebuilt at once, and the
// index that was overtaken is dropped, not published over the newer pages.
TEST_CASE("serve: a rebuild does not wait for the previous rebuild's search index", "[serve]") {
  std::mutex m;
  std::condition_variable cv;
  bool release = false;
  std::atomic<int> calls{0};
  Fixture f("/", false, [&] {
    if (calls++ != 1) return;  // hold the first rebuild's index only
    std::unique_lock<std::mutex> lock(m);
    cv.wait(lock, [&] { return release; });
  });
  auto let_go = [&] {
    {
      std::lock_guard<std::mutex> lock(m);
      release = true;
    }
    cv.notify_all();
  };
  struct LetGo {  // never leave the index thread waiting (the server joins it)
    std::function<void()> fn;
    ~LetGo() { fn(); }
  } guard{let_go};
  auto epoch_is = [&](uint64_t want) {
    for (int i = 0; i < 1000 && f.server->epoch() < want; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return f.server->epoch() == want;
  };
  const std::string first = "quarblet", second = "zindleflax";  // left as they are by the stemmer
  {
    std::ofstream out(f.dir / "seeds" / kSeed, std::ios::app);
    out << "\nThe minister called the first plan " << first << ".\n";
  }
  REQUIRE(epoch_is(2));  // its pages are out; its index is held
  {
    std::ofstream out(f.dir / "seeds" / kSeed, std::ios::app);
    out << "\nThe minister called the second plan " << second << ".\n";
  }
  // Built and published while the first rebuild's index is still held.
  REQUIRE(epoch_is(3));
  auto c = f.Client();
  std::string index = c.Get("/search-index.json")->body;  // waits for the second rebuild's index
  CHECK(calls == 3);  // made while the first one is still held
  CHECK(index.find(second) != std::string::npos);
  CHECK(index.find(first) != std::string::npos);
  let_go();
  // The held index is dropped: what is served stays the newest build's.
  REQUIRE(f.server->WaitForBuilds(3, std::chrono::seconds(10)));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto site = f.server->site();
  CHECK(site.epoch == 3);
  CHECK(c.Get("/search-index.json")->body == index);
  CHECK(site.files->at("search-index.json").text() == index);
}

TEST_CASE("serve: a hand edit to a briefing is rebuilt, the rebuild's own briefing writes are not", "[serve]") {
  // The search index of each rebuild is held back 0.8 s (as on a big
  // corpus or a slow machine): an edit made while it is being made is an
  // edit all the same.
  std::atomic<int> builds{0};
  Fixture f("/", false, [&] {
    if (builds++ > 0) std::this_thread::sleep_for(std::chrono::milliseconds(800));
  });
  // A seed edit: the rebuild rewrites that seed's briefing (its own write).
  {
    std::ofstream out(f.dir / "seeds" / kSeed, std::ios::app);
    out << "\nA paragraph added while serving, about the Own Write Marker.\n";
  }
  auto wait_epoch = [&](uint64_t epoch) {
    for (int i = 0; i < 500 && f.server->epoch() < epoch; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    return f.server->epoch() == epoch;
  };
  REQUIRE(wait_epoch(2));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  REQUIRE(f.server->epoch() == 2);
  // Then the user edits the generated briefings by hand, one after the
  // other: each edit is seen (not taken for the build's own write) and shown.
  std::vector<std::filesystem::path> briefings;
  for (const auto& e : std::filesystem::directory_iterator(f.dir / "content/briefings")) briefings.push_back(e.path());
  std::sort(briefings.begin(), briefings.end());
  REQUIRE(briefings.size() == 2);
  uint64_t epoch = 2;
  for (const auto& md : briefings) {
    {
      std::ofstream out(md, std::ios::app);
      out << "\nA hand-written line about the Zanzibar Marker.\n";
    }
    REQUIRE(wait_epoch(++epoch));
    std::string page = f.Client().Get(("/briefings/" + md.stem().string() + ".html").c_str())->body;
    CHECK(page.find("Zanzibar Marker") != std::string::npos);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  CHECK(f.server->epoch() == epoch);
}

TEST_CASE("serve: a failed rebuild keeps the last good site and reports the error", "[serve]") {
  Fixture f;
  fs::path tmpl = f.dir / "themes/default/templates/404.mustache";
  std::string good = ReadFileOrDie(tmpl);
  std::string before = f.Client().Get("/index.html")->body;
  EventReader reader(f.server->port(), "/__dossier/events",
                     [](const std::string& t) { return t.find("event: ok\n") != std::string::npos; });
  REQUIRE(reader.WaitFor("event: epoch\ndata: 1\n"));
  WriteFileOrDie(tmpl, good + "{{#unclosed}}\n");
  REQUIRE(reader.WaitFor("event: error\n"));
  std::string text = reader.text();
  CHECK(text.find("404.mustache:") != std::string::npos);
  CHECK(f.server->epoch() == 1);
  CHECK(f.Client().Get("/index.html")->body == before);
  // A new stream gets the error right away.
  EventReader late(f.server->port(), "/__dossier/events",
                   [](const std::string& t) { return t.find("event: error\n") != std::string::npos; });
  CHECK(late.WaitFor("event: error\n"));
  late.Join();
  WriteFileOrDie(tmpl, good);
  REQUIRE(reader.WaitFor("event: ok\n"));
  reader.Join();
  CHECK(reader.text().find("event: epoch\ndata: 2\n") != std::string::npos);
  CHECK(f.server->epoch() == 2);
}

TEST_CASE("serve: an edit made while another build holds the project lock is built once that build ends",
          "[serve]") {
  Fixture f;
  EventReader reader(f.server->port(), "/__dossier/events",
                     [](const std::string& t) { return t.find("event: epoch\ndata: 2\n") != std::string::npos; });
  REQUIRE(reader.WaitFor("event: epoch\ndata: 1\n"));
  // What `dossier build` in another terminal holds while it runs.
  int fd = ::open((f.dir / ".dossier.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  REQUIRE(fd >= 0);
  REQUIRE(::flock(fd, LOCK_EX | LOCK_NB) == 0);
  {
    std::ofstream out(f.dir / "seeds" / kSeed, std::ios::app);
    out << "\nA paragraph added while another build runs, about the Lock Wait Marker.\n";
  }
  // The rebuild waits: no failed build, no new epoch.
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  CHECK(f.server->epoch() == 1);
  CHECK(reader.text().find("event: error\n") == std::string::npos);
  ::close(fd);  // the other build ends
  REQUIRE(reader.WaitFor("event: epoch\ndata: 2\n"));
  reader.Join();
  CHECK(reader.text().find("event: error\n") == std::string::npos);
  CHECK(f.server->epoch() == 2);
  CHECK(f.Client().Get("/index.html")->body.find("data-dossier-live=\"2\"") != std::string::npos);
}

TEST_CASE("serve: stopping while a rebuild waits for the project lock returns at once", "[serve]") {
  Fixture f;
  int fd = ::open((f.dir / ".dossier.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  REQUIRE(fd >= 0);
  REQUIRE(::flock(fd, LOCK_EX | LOCK_NB) == 0);
  std::ofstream(f.dir / "seeds" / kSeed, std::ios::app) << "\nA paragraph that waits for the lock.\n";
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the rebuild is waiting now
  auto start = std::chrono::steady_clock::now();
  f.server->Stop();
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
  CHECK(f.server->epoch() == 1);
  ::close(fd);
}

TEST_CASE("serve: the polling watcher sees edits, new folders and deletions", "[serve]") {
  Fixture f("/", true);
  std::ofstream(f.dir / "seeds" / kSeed, std::ios::app) << "\nPolling sees this paragraph.\n";
  REQUIRE(Settle(*f.server, 2));
  CHECK(f.server->epoch() >= 2);
  uint64_t e = f.server->epoch();
  fs::create_directories(f.dir / "seeds/new/deeper");
  WriteFileOrDie(f.dir / "seeds/new/deeper/extra.txt",
                 "A new article about polling\nPolling watchers scan every half second for changes.\n");
  REQUIRE(Settle(*f.server, static_cast<size_t>(e) + 1));
  CHECK(f.server->epoch() > e);
  // Editor temp files never trigger a build.
  size_t builds = f.server->builds_finished();
  WriteFileOrDie(f.dir / "seeds/.000.txt.swp", "x");
  WriteFileOrDie(f.dir / "seeds/000.txt~", "x");
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  CHECK(f.server->builds_finished() == builds);
}

TEST_CASE("serve: inotify watches new subfolders and ignores editor temp files", "[serve]") {
  Fixture f;
  size_t builds = f.server->builds_finished();
  WriteFileOrDie(f.dir / "seeds/.x.txt.swp", "x");
  WriteFileOrDie(f.dir / "seeds/x.txt~", "x");
  WriteFileOrDie(f.dir / "seeds/4913", "x");
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  CHECK(f.server->builds_finished() == builds);
  fs::create_directories(f.dir / "seeds/later");
  REQUIRE(Settle(*f.server, builds + 1));
  builds = f.server->builds_finished();
  WriteFileOrDie(f.dir / "seeds/later/new.txt", "A later article\nIt arrives in a folder made after the start.\n");
  REQUIRE(Settle(*f.server, builds + 1));
  bool found = false;
  for (const auto& [path, data] : *f.server->site().files)
    if (data.text().find("A later article") != std::string::npos) found = true;
  CHECK(found);
  // The site-level templates/ folder is picked up when it appears.
  builds = f.server->builds_finished();
  fs::create_directories(f.dir / "templates");
  REQUIRE(Settle(*f.server, builds + 1));
}

TEST_CASE("serve: requests during rebuilds see whole sites and stop ends event streams", "[serve]") {
  Fixture f;
  EventReader reader(f.server->port(), "/__dossier/events", [](const std::string&) { return false; });
  REQUIRE(reader.WaitFor("event: epoch\ndata: 1\n"));
  // Many rebuilds while clients read: every answer is a complete page of one epoch.
  std::atomic<bool> stop{false};
  std::atomic<int> bad{0}, ok{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < 4; ++i)
    clients.emplace_back([&] {
      auto c = f.Client();
      while (!stop) {
        auto r = c.Get("/index.html");
        if (!r || r->status != 200 || r->body.find("</html>") == std::string::npos) ++bad;
        else ++ok;
      }
    });
  for (int i = 0; i < 5; ++i) {
    f.server->Notify({ChangeKind::kSeed, f.dir / "seeds"});
    REQUIRE(f.server->WaitForBuilds(static_cast<size_t>(i) + 2, std::chrono::seconds(10)));
  }
  stop = true;
  for (auto& t : clients) t.join();
  CHECK(bad == 0);
  CHECK(ok > 0);
  auto t0 = std::chrono::steady_clock::now();
  f.server->Stop();
  reader.Join();
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5));
  CHECK_FALSE(f.server->running());
}

TEST_CASE("serve: inotify tells a file being written from a finished one", "[serve]") {
  TempDir t;
  fs::create_directories(t / "seeds");
  std::mutex mu;
  std::vector<Change> seen;
  Watcher w({{t / "seeds", ChangeKind::kSeed, false}}, false, [&](const Change& c) {
    std::lock_guard<std::mutex> lock(mu);
    seen.push_back(c);
  });
  REQUIRE(w.Start().ok());
  REQUIRE_FALSE(w.polling());
  const fs::path file = t / "seeds/a.txt";
  // The last event for `file` within ~2 s, once one with `settled` arrives.
  auto last_for = [&](bool settled) -> const Change* {
    for (int i = 0; i < 200; ++i) {
      {
        std::lock_guard<std::mutex> lock(mu);
        for (auto it = seen.rbegin(); it != seen.rend(); ++it)
          if (it->path == file) {
            if (it->settled == settled) return &*it;
            break;
          }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return nullptr;
  };
  std::ofstream out(file, std::ios::binary);
  out << "A headline\n\nA body being typed";
  out.flush();
  const Change* writing = last_for(false);  // created and modified, still open
  CHECK(writing != nullptr);
  out << " and finished.\n";
  out.close();
  CHECK(last_for(true) != nullptr);  // closed after writing
  fs::remove(file);
  CHECK(last_for(true) != nullptr);  // removed
  w.Stop();
}

TEST_CASE("serve: a finished write rebuilds after the short quiet spell, one in progress waits", "[serve]") {
  TempDir dir;
  MakeProject(dir.path());
  ServeOptions o = OptionsFor(dir.path());
  o.debounce_ms = 4000;  // the quiet spell for a file still being written
  o.settled_debounce_ms = 15;
  DevServer server(o);
  REQUIRE(server.Start().ok());
  size_t builds = server.builds_finished();
  // Written and closed: settled, so the rebuild starts 15 ms later, not 4 s.
  auto start = std::chrono::steady_clock::now();
  WriteFileOrDie(dir / "seeds/quick.txt", "A quick article\n\nIt was saved in one go.\n");
  REQUIRE(server.WaitForBuilds(builds + 1, std::chrono::seconds(3)));
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(3));
  // Held open after a write: not settled, so nothing is built for 4 s.
  builds = server.builds_finished();
  std::ofstream out(dir / "seeds/slow.txt", std::ios::binary);
  out << "A slow article\n\nStill being";
  out.flush();
  CHECK_FALSE(server.WaitForBuilds(builds + 1, std::chrono::milliseconds(1500)));
  out << " written, now done.\n";
  out.close();  // settled now: built soon after
  CHECK(server.WaitForBuilds(builds + 1, std::chrono::seconds(3)));
}

// Debian's cpp-httplib listens with a backlog of 5; the listener raises it,
// so that many connections opened at once (a load test: wrk -c64 timed out
// on some of them, waiting for SYNs sent again after 1 s) are all queued.
// Before anything accepts, the kernel completes as many connections as the
// backlog holds.
TEST_CASE("serve: the HTTP listener queues 64 connections opened at once", "[serve]") {
  using dossier::serve::HttpRequest;
  using dossier::serve::HttpResponse;
  std::string error;
  auto server = dossier::serve::NewHttpServer({}, [](const HttpRequest&, HttpResponse& res) { res.status = 204; },
                                              &error);
  INFO(error);
  REQUIRE(server);
  const int port = server->Bind("127.0.0.1", 0);
  REQUIRE(port > 0);
  // Nothing accepts yet (Listen() is not called): connections only queue.
  std::vector<int> socks;
  for (int i = 0; i < 64; ++i) {
    int s = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    REQUIRE(s >= 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a);  // EINPROGRESS
    socks.push_back(s);
  }
  // Each connection is complete (writable, no error) once the kernel
  // queued it; one whose SYN was dropped is still pending after 300 ms.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  int connected = 0;
  for (int s : socks) {
    pollfd p{s, POLLOUT, 0};
    int err = 0;
    socklen_t len = sizeof err;
    if (::poll(&p, 1, 0) == 1 && (p.revents & POLLOUT) && ::getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len) == 0 &&
        err == 0)
      ++connected;
    ::close(s);
  }
  CHECK(connected == 64);
  server->Stop();
}
