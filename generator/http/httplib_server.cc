// http: serve's HTTP listener (serve/http.h) over cpp-httplib. Built twice
// from this one file: as the module `dossier-http.so`, which `dossier serve`
// loads at run time (so that no other command pays for loading httplib and
// the TLS and compression libraries it links), and as a static library for
// the tests, which link it in (SetHttpServerFactory).
#include <httplib.h>

#include <sys/socket.h>

#include <memory>
#include <string>

#include "http/httplib_server.h"

namespace dossier::serve {
namespace {

class Stream final : public HttpStream {
 public:
  explicit Stream(httplib::DataSink& sink) : sink_(sink) {}
  bool Write(std::string_view data) override { return sink_.write(data.data(), data.size()); }
  void Done() override { sink_.done(); }

 private:
  httplib::DataSink& sink_;
};

class HttplibServer final : public HttpServer {
 public:
  HttplibServer(const HttpServerOptions& o, Handler handler) : handler_(std::move(handler)) {
    const size_t threads = o.threads;
    http_.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    http_.set_tcp_nodelay(true);  // headers and body are separate writes: no Nagle/delayed-ACK stall
    http_.set_payload_max_length(o.max_request_bytes);
    http_.set_keep_alive_max_count(o.keepalive_max_requests);
    http_.set_keep_alive_timeout(o.keepalive_seconds);
    http_.set_read_timeout(o.read_timeout_seconds, 0);
    http_.set_write_timeout(o.write_timeout_seconds, 0);
    http_.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      Answer(req, res);
      return httplib::Server::HandlerResponse::Handled;
    });
    // The listening socket, to raise its backlog after httplib listens.
    http_.set_socket_options([this](socket_t sock) {
      httplib::default_socket_options(sock);
      listen_socket_ = sock;
    });
  }

  int Bind(const std::string& host, int port) override {
    listen_socket_ = INVALID_SOCKET;
    int bound = -1;
    if (port == 0) {
      int p = http_.bind_to_any_port(host);
      bound = p > 0 ? p : -1;
    } else {
      bound = http_.bind_to_port(host, port) ? port : -1;
    }
    // Debian's libcpp-httplib listens with a backlog of 5: 64 connections
    // opened at once (a load test, a browser restoring many tabs) overflow
    // it, the dropped SYNs are sent again after 1 s and some requests time
    // out. listen() again on the same socket only raises the backlog (the
    // kernel caps it at somaxconn); best effort.
    if (bound > 0 && listen_socket_ != INVALID_SOCKET) ::listen(listen_socket_, kListenBacklog);
    return bound;
  }
  bool Listen() override { return http_.listen_after_bind(); }
  void Stop() override { http_.stop(); }

 private:
  static constexpr int kListenBacklog = 256;  // > serve's workers + event streams
  socket_t listen_socket_ = INVALID_SOCKET;
  void Answer(const httplib::Request& req, httplib::Response& res) {
    HttpRequest r;
    r.method = req.method;
    r.target = req.target;
    r.local_port = req.local_port;
    r.remote_port = req.remote_port;
    r.headers.reserve(req.headers.size());
    for (const auto& [name, value] : req.headers) r.headers.emplace_back(name, value);
    // Debian's cpp-httplib (0.11, built with Brotli) compresses every text,
    // JSON and JavaScript response at Brotli's default (highest) quality
    // whenever the client accepts it, and has no switch to turn that off:
    // 11 s for the 7.9 MB search index of 1,114 articles, 20-60 ms per page.
    // For a preview compression only costs time, so it never compresses:
    // Accept-Encoding is dropped before the response is written. (The
    // Request is the server's own non-const object; httplib hands it out
    // as const only.)
    const_cast<httplib::Request&>(req).headers.erase("Accept-Encoding");
    HttpResponse out;
    handler_(r, out);
    res.status = out.status;
    for (auto& [name, value] : out.headers) res.set_header(name, value);
    if (out.stream) {
      auto stream = std::make_shared<std::function<bool(HttpStream&)>>(std::move(out.stream));
      auto end = std::make_shared<std::function<void()>>(std::move(out.stream_end));
      res.set_chunked_content_provider(
          out.content_type,
          [stream](size_t, httplib::DataSink& sink) {
            Stream s(sink);
            return (*stream)(s);
          },
          [end](bool) {
            if (*end) (*end)();
          });
    } else if (!out.content_type.empty()) {
      res.set_content(out.body, out.content_type);
    }
  }

  Handler handler_;
  httplib::Server http_;
};

}  // namespace

std::unique_ptr<HttpServer> NewHttplibServer(const HttpServerOptions& options, HttpServer::Handler handler) {
  return std::make_unique<HttplibServer>(options, std::move(handler));
}

}  // namespace dossier::serve

#ifdef DOSSIER_HTTP_MODULE
// The module's entry points (serve/http_module.cc looks them up).
extern "C" __attribute__((visibility("default"))) const char* dossier_http_abi() {
  static const std::string abi = dossier::serve::HttpAbi();
  return abi.c_str();
}

extern "C" __attribute__((visibility("default"))) dossier::serve::HttpServer* dossier_http_new(
    const dossier::serve::HttpServerOptions* options, dossier::serve::HttpServer::Handler* handler) {
  try {
    return dossier::serve::NewHttplibServer(*options, std::move(*handler)).release();
  } catch (...) {
    return nullptr;
  }
}
#endif
