#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "http/httplib_server.h"

// The tests link serve's HTTP listener in; the dossier binary loads it from
// dossier-http.so (serve/http.h), which the CLI tests cover.
int main(int argc, char** argv) {
  dossier::serve::SetHttpServerFactory(&dossier::serve::NewHttplibServer);
  return Catch::Session().run(argc, argv);
}
