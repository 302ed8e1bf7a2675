// serve/http.h: the HTTP listener behind `dossier serve`, as an interface.
//
// The listener is cpp-httplib, whose Debian build (libcpp-httplib.so) brings
// OpenSSL, Brotli and zlib with it: loading and relocating them cost ~5-7 ms
// at every start of a process (`dossier --version` 13.6 -> 8.1 ms without
// them), a sixth of a `dossier build` with nothing changed and a twelfth of
// `dossier index` on a thousand articles. So the listener lives in a module of its own (generator/http/,
// `dossier-http.so`) that `serve` loads when it starts (NewHttpServer); the
// other commands never load it. Nothing else of serve knows httplib.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dossier::serve {

struct HttpRequest {
  std::string method;  // "GET", "HEAD", …
  std::string target;  // path and query, as sent
  std::vector<std::pair<std::string, std::string>> headers;
  int local_port = 0, remote_port = 0;  // of the connection (to find its socket)
  // The first header named `name` (ASCII case-insensitive), or nullptr.
  const std::string* Header(std::string_view name) const;
};

// The body of a streamed (chunked) response is written through this.
class HttpStream {
 public:
  virtual ~HttpStream() = default;
  virtual bool Write(std::string_view data) = 0;  // false: the peer is gone
  virtual void Done() = 0;                        // the stream ends cleanly
};

struct HttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string content_type;  // "" with an empty body
  std::string body;
  // A streamed body (instead of `body`): called again and again, each time
  // after the previous call's writes went out, until it returns false (the
  // connection is dropped) or calls HttpStream::Done. `stream_end` runs once
  // when the stream is over, either way.
  std::function<bool(HttpStream&)> stream;
  std::function<void()> stream_end;

  void SetHeader(std::string name, std::string value) { headers.emplace_back(std::move(name), std::move(value)); }
  void SetContent(std::string text, std::string type) {
    body = std::move(text);
    content_type = std::move(type);
  }
};

struct HttpServerOptions {
  size_t threads = 96;                 // worker threads (one per open connection)
  size_t max_request_bytes = 64 * 1024;
  size_t keepalive_max_requests = 100;
  int keepalive_seconds = 2;
  int read_timeout_seconds = 5;
  int write_timeout_seconds = 5;
};

class HttpServer {
 public:
  using Handler = std::function<void(const HttpRequest&, HttpResponse&)>;
  virtual ~HttpServer() = default;
  // Binds to host:port (port 0: any free port). Returns the port, or -1.
  virtual int Bind(const std::string& host, int port) = 0;
  // Answers requests until Stop; returns false when it could not listen.
  virtual bool Listen() = 0;
  // Safe from any thread; Listen returns soon after.
  virtual void Stop() = 0;
};

// Makes a listener: the one registered with SetHttpServerFactory, else the
// one of the module `dossier-http.so`, looked for next to the running
// executable and in ../lib/dossier/ from it. nullptr (and *error) when
// neither is there.
using HttpServerFactory = std::unique_ptr<HttpServer> (*)(const HttpServerOptions&, HttpServer::Handler);
std::unique_ptr<HttpServer> NewHttpServer(const HttpServerOptions& options, HttpServer::Handler handler,
                                          std::string* error);
// For programs that link the listener in (the tests): use `factory` instead
// of loading the module.
void SetHttpServerFactory(HttpServerFactory factory);

// The module's entry points (C names, looked up with dlsym). The ABI string
// must equal the program's: a module from another build is refused rather
// than called with objects of another layout.
#define DOSSIER_HTTP_ABI_SYMBOL "dossier_http_abi"
#define DOSSIER_HTTP_NEW_SYMBOL "dossier_http_new"
// Bump when a type above changes.
constexpr int kHttpInterfaceRevision = 1;
// The interface revision, the compiler and the layout of the types above:
// the same text in the program and in a module built with it.
inline std::string HttpAbi() {
  return "dossier-http " + std::to_string(kHttpInterfaceRevision) + " " + __VERSION__ + " " +
         std::to_string(sizeof(HttpRequest)) + "/" + std::to_string(sizeof(HttpResponse)) + "/" +
         std::to_string(sizeof(HttpServerOptions)) + "/" + std::to_string(sizeof(std::string)) + "/" +
         std::to_string(sizeof(std::function<void()>));
}

}  // namespace dossier::serve
