// Request-path normalisation and confinement, base paths, MIME types,
// ignored file names.
#include <catch2/catch.hpp>

#include "serve/serve.h"

using dossier::serve::IsIgnoredFileName;
using dossier::serve::IsLoopbackHost;
using dossier::serve::MimeTypeFor;
using dossier::serve::NormalizeBasePath;
using dossier::serve::PathVerdict;
using dossier::serve::ResolveRequestPath;
using dossier::serve::RebaseRelativeUrls;

TEST_CASE("serve: hostile request paths are refused", "[serve]") {
  const std::string long_path = "/" + std::string(1100, 'a');
  const char* attacks[] = {
      "/../etc/passwd",        "/..",
      "/a/../../etc/passwd",   "/%2e%2e/etc/passwd",
      "/%2E%2E/etc/passwd",    "/.%2e/etc/passwd",
      "/%2e./etc/passwd",      "/..%2fetc%2fpasswd",
      "/..%2Fetc",             "/%2e%2e%5cetc%5cpasswd",
      "/%5c..%5c",             "\\..\\etc\\passwd",
      "/\\..\\etc\\passwd",    "/a\\b",
      "/index.html%00.css",    "/%00",
      "/a%0a",                 "/./index.html",
      "/a/./b",                "//etc/passwd",
      "/a//b",                 "/%",
      "/%2",                   "/%zz",
      "/%c0%ae%c0%ae/etc",     "/%ff",
      "etc/passwd",            "http://evil.example/",
      "",                      "/briefings/%2e%2e/%2e%2e/x",
  };
  for (const char* a : attacks) {
    INFO(a);
    auto r = ResolveRequestPath(a, "/");
    CHECK(r.verdict == PathVerdict::kBadRequest);
    CHECK(r.key.empty());
    auto sub = ResolveRequestPath(a, "/sub/");
    CHECK(sub.verdict != PathVerdict::kFile);
  }
  std::string nul_in_middle("/index.html\0x", 13);
  CHECK(ResolveRequestPath(nul_in_middle, "/").verdict == PathVerdict::kBadRequest);
  CHECK(ResolveRequestPath(long_path, "/").verdict == PathVerdict::kBadRequest);
  CHECK(ResolveRequestPath("/" + std::string(1023, 'a'), "/").verdict == PathVerdict::kFile);
  // Decoding happens once: "%252e%252e" is the literal segment "%2e%2e", a missing file, not "..".
  auto twice = ResolveRequestPath("/%252e%252e/etc/passwd", "/");
  CHECK(twice.verdict == PathVerdict::kFile);
  CHECK(twice.key == "%2e%2e/etc/passwd");
}

TEST_CASE("serve: normal request paths map to site paths", "[serve]") {
  struct Case {
    const char* target;
    const char* key;
    bool directory;
  };
  const Case cases[] = {
      {"/", "index.html", true},
      {"/index.html", "index.html", false},
      {"/index.html?x=1#frag", "index.html", false},
      {"/briefings/", "briefings/index.html", true},
      {"/briefings/a-b.html", "briefings/a-b.html", false},
      {"/assets/site.css", "assets/site.css", false},
      {"/about", "about", false},  // never guesses ".html"
      {"/caf%C3%A9.html", "caf\xC3\xA9.html", false},
      {"/a%20b.html", "a b.html", false},
      {"/...html", "...html", false},
  };
  for (const auto& c : cases) {
    INFO(c.target);
    auto r = ResolveRequestPath(c.target, "/");
    REQUIRE(r.verdict == PathVerdict::kFile);
    CHECK(r.key == c.key);
    CHECK(r.directory == c.directory);
  }
  CHECK(ResolveRequestPath("/__dossier/events", "/").verdict == PathVerdict::kEvents);
  CHECK(ResolveRequestPath("/briefings/__dossier/events", "/").verdict == PathVerdict::kEvents);
}

TEST_CASE("serve: base path confines and redirects", "[serve]") {
  auto r = ResolveRequestPath("/", "/sub/");
  CHECK(r.verdict == PathVerdict::kRedirect);
  CHECK(r.location == "/sub/");
  r = ResolveRequestPath("/sub", "/sub/");
  CHECK(r.verdict == PathVerdict::kRedirect);
  CHECK(r.location == "/sub/");
  r = ResolveRequestPath("/sub/", "/sub/");
  CHECK(r.verdict == PathVerdict::kFile);
  CHECK(r.key == "index.html");
  r = ResolveRequestPath("/sub/briefings/x.html", "/sub/");
  CHECK(r.verdict == PathVerdict::kFile);
  CHECK(r.key == "briefings/x.html");
  CHECK(ResolveRequestPath("/index.html", "/sub/").verdict == PathVerdict::kNotFound);
  CHECK(ResolveRequestPath("/subway/index.html", "/sub/").verdict == PathVerdict::kNotFound);
  CHECK(ResolveRequestPath("/sub/../index.html", "/sub/").verdict == PathVerdict::kBadRequest);
  CHECK(ResolveRequestPath("/sub/%2e%2e/index.html", "/sub/").verdict == PathVerdict::kBadRequest);
  CHECK(ResolveRequestPath("/sub/__dossier/events", "/sub/").verdict == PathVerdict::kEvents);

  std::string out, err;
  CHECK(NormalizeBasePath("sub", &out, &err));
  CHECK(out == "/sub/");
  CHECK(NormalizeBasePath("/a/b", &out, &err));
  CHECK(out == "/a/b/");
  CHECK(NormalizeBasePath("", &out, &err));
  CHECK(out == "/");
  for (const char* bad : {"/../x/", "/a//b/", "/%2e/", "/a?b", "/a\\b", "/./"}) {
    INFO(bad);
    CHECK_FALSE(NormalizeBasePath(bad, &out, &err));
  }
}

TEST_CASE("serve: MIME types by extension", "[serve]") {
  CHECK(MimeTypeFor("index.html") == "text/html; charset=utf-8");
  CHECK(MimeTypeFor("assets/site.css") == "text/css; charset=utf-8");
  CHECK(MimeTypeFor("assets/search.js") == "text/javascript; charset=utf-8");
  CHECK(MimeTypeFor("search-index.json") == "application/json");
  CHECK(MimeTypeFor("feed.xml") == "application/xml; charset=utf-8");
  CHECK(MimeTypeFor("sitemap.XML") == "application/xml; charset=utf-8");
  CHECK(MimeTypeFor("assets/favicon.svg") == "image/svg+xml");
  CHECK(MimeTypeFor("a.png") == "image/png");
  CHECK(MimeTypeFor("robots.txt") == "text/plain; charset=utf-8");
  CHECK(MimeTypeFor("favicon.ico") == "image/x-icon");
  CHECK(MimeTypeFor("f.woff2") == "font/woff2");
  CHECK(MimeTypeFor("f.woff") == "font/woff");
  CHECK(MimeTypeFor("x.jpeg") == "image/jpeg");
  CHECK(MimeTypeFor("noext") == "application/octet-stream");
  CHECK(MimeTypeFor(".nojekyll") == "application/octet-stream");
  CHECK(MimeTypeFor("dir.d/file") == "application/octet-stream");
}

TEST_CASE("serve: loopback hosts and ignored file names", "[serve]") {
  CHECK(IsLoopbackHost("127.0.0.1"));
  CHECK(IsLoopbackHost("127.1.2.3"));
  CHECK(IsLoopbackHost("localhost"));
  CHECK(IsLoopbackHost("::1"));
  CHECK_FALSE(IsLoopbackHost("0.0.0.0"));
  CHECK_FALSE(IsLoopbackHost("::"));
  CHECK_FALSE(IsLoopbackHost("192.168.1.2"));
  CHECK_FALSE(IsLoopbackHost("127.0.0.1.evil.example"));

  for (const char* n : {".x.txt.swp", "x.txt.swp", "x.swo", "x~", "#x.txt#", ".#x.txt", "4913", "a.md.dossier-tmp-42",
                        ".hidden", "x.TMP", "f.kate-swp"}) {
    INFO(n);
    CHECK(IsIgnoredFileName(n));
  }
  for (const char* n : {"001.txt", "a.md", "site.css", "briefing.mustache", "dossier.yaml"}) {
    INFO(n);
    CHECK_FALSE(IsIgnoredFileName(n));
  }
}

TEST_CASE("serve: the 404 page's relative URLs are rebased for nested paths", "[serve]") {
  const std::string page =
      "<html lang=\"en\" data-root=\"\"><head><link rel=\"stylesheet\" href=\"assets/site.css\">"
      "<script src=\"assets/search.js\" defer></script></head><body>"
      "<a href=\"#main\">Skip</a> <a href=\"index.html\">Home</a> <a href=\"https://example.org/x\">out</a>"
      "<a href=\"/abs.html\">abs</a> <a href=\"mailto:a@b.c\">mail</a> <a href=\"a/b:c.html\">colon</a>"
      "<form action=\"search.html\"></form></body></html>";
  CHECK(RebaseRelativeUrls(page, 0) == page);
  const std::string two = RebaseRelativeUrls(page, 2);
  CHECK(two.find("data-root=\"../../\"") != std::string::npos);
  CHECK(two.find("href=\"../../assets/site.css\"") != std::string::npos);
  CHECK(two.find("src=\"../../assets/search.js\"") != std::string::npos);
  CHECK(two.find("href=\"../../index.html\"") != std::string::npos);
  CHECK(two.find("action=\"../../search.html\"") != std::string::npos);
  CHECK(two.find("href=\"../../a/b:c.html\"") != std::string::npos);  // ':' after a '/' is no scheme
  CHECK(two.find("href=\"#main\"") != std::string::npos);
  CHECK(two.find("href=\"https://example.org/x\"") != std::string::npos);
  CHECK(two.find("href=\"/abs.html\"") != std::string::npos);
  CHECK(two.find("href=\"mailto:a@b.c\"") != std::string::npos);
  // An unterminated attribute at the end is copied as it is.
  CHECK(RebaseRelativeUrls("<a href=\"x", 1) == "<a href=\"x");
}
