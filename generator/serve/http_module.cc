// NewHttpServer: the listener registered by the program, or the one of the
// module dossier-http.so, loaded on first use (see http.h for why it is a
// module).
#include <dlfcn.h>

#include <atomic>
#include <cctype>
#include <filesystem>
#include <mutex>
#include <system_error>

#include "core/core.h"
#include "serve/http.h"

namespace dossier::serve {

namespace fs = std::filesystem;

namespace {

std::atomic<HttpServerFactory> g_factory{nullptr};

using AbiFunction = const char* (*)();
using NewFunction = HttpServer* (*)(const HttpServerOptions*, HttpServer::Handler*);

struct Module {
  NewFunction make = nullptr;
  std::string error;
};

// Where the module may be: beside the executable (the build tree), then in
// ../lib/dossier/ from it (an installed dossier, see CMakeLists.txt).
std::vector<fs::path> ModuleCandidates() {
  std::vector<fs::path> out;
  fs::path exe = core::ExecutablePath();
  if (exe.empty()) return out;
  fs::path dir = exe.parent_path();
  out.push_back(dir / "dossier-http.so");
  out.push_back((dir / ".." / "lib" / "dossier" / "dossier-http.so").lexically_normal());
  return out;
}

Module LoadModule() {
  Module m;
  std::string tried;
  for (const fs::path& path : ModuleCandidates()) {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) {
      tried += (tried.empty() ? "" : ", ") + core::GenericString(path);
      continue;
    }
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      const char* why = dlerror();
      m.error = core::GenericString(path) + ": cannot load the HTTP module: " + (why ? why : "unknown error");
      return m;
    }
    auto abi = reinterpret_cast<AbiFunction>(dlsym(handle, DOSSIER_HTTP_ABI_SYMBOL));
    auto make = reinterpret_cast<NewFunction>(dlsym(handle, DOSSIER_HTTP_NEW_SYMBOL));
    if (abi == nullptr || make == nullptr) {
      m.error = core::GenericString(path) + ": not a dossier HTTP module";
      return m;
    }
    if (HttpAbi() != abi()) {
      m.error = core::GenericString(path) + ": HTTP module from another build (" + abi() + ", expected " + HttpAbi() +
                "); rebuild dossier";
      return m;
    }
    m.make = make;  // the module stays loaded for the life of the process
    return m;
  }
  m.error = "cannot find the HTTP module dossier-http.so (looked for " + (tried.empty() ? "it" : tried) +
            "); it is built with dossier and must stay beside it or in ../lib/dossier/";
  return m;
}

}  // namespace

const std::string* HttpRequest::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key.size() != name.size()) continue;
    bool same = true;
    for (size_t i = 0; i < key.size() && same; ++i)
      same = std::tolower(static_cast<unsigned char>(key[i])) == std::tolower(static_cast<unsigned char>(name[i]));
    if (same) return &value;
  }
  return nullptr;
}

void SetHttpServerFactory(HttpServerFactory factory) { g_factory = factory; }

std::unique_ptr<HttpServer> NewHttpServer(const HttpServerOptions& options, HttpServer::Handler handler,
                                          std::string* error) {
  if (HttpServerFactory f = g_factory.load()) return f(options, std::move(handler));
  static std::once_flag once;
  static Module module;
  std::call_once(once, [] { module = LoadModule(); });
  if (module.make == nullptr) {
    if (error != nullptr) *error = module.error;
    return nullptr;
  }
  HttpServer* server = module.make(&options, &handler);
  if (server == nullptr && error != nullptr) *error = "the HTTP module could not make a listener";
  return std::unique_ptr<HttpServer>(server);
}

}  // namespace dossier::serve
