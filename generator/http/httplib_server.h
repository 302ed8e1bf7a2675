// http: serve's HTTP listener over cpp-httplib (see httplib_server.cc).
#pragma once

#include <memory>

#include "serve/http.h"

namespace dossier::serve {

// A listener over cpp-httplib; the tests register it with
// SetHttpServerFactory (dossier itself loads it from dossier-http.so).
std::unique_ptr<HttpServer> NewHttplibServer(const HttpServerOptions& options, HttpServer::Handler handler);

}  // namespace dossier::serve
