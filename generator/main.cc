#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "cli/cli.h"

// Dossier allocates many small objects per article. On Linux with glibc it
// runs with malloc's transparent-huge-page tunable (glibc >= 2.35): the
// heap is advised for 2 MiB pages, so a build takes a fifth of the page
// faults (2,228 articles: 80 k -> 15 k) and a one-seed rebuild is ~30 %
// faster (bench/notes.md). Tunables are read only at start-up, so the
// process starts itself again once with GLIBC_TUNABLES set. When the
// variable is already set (even empty, e.g. to run under valgrind, which
// does not follow exec by default), it is left as it is.
// Only the commands that build (`index` sets up its own heap, and the
// others are too short to repay the ~10 ms of starting twice).
static void ReexecWithHugePages(int argc, char** argv) {
#if defined(__linux__) && defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__)
  if (std::getenv("GLIBC_TUNABLES") != nullptr) return;
  const char* command = nullptr;
  for (int i = 1; i < argc && command == nullptr; ++i)
    if (argv[i][0] != '-') command = argv[i];
  if (command == nullptr || (std::strcmp(command, "build") != 0 && std::strcmp(command, "serve") != 0 &&
                             std::strcmp(command, "analyse") != 0))
    return;
  if (::setenv("GLIBC_TUNABLES", "glibc.malloc.hugetlb=1", 0) != 0) return;
  ::execv("/proc/self/exe", argv);
  ::unsetenv("GLIBC_TUNABLES");  // exec failed: go on as we are
#else
  (void)argc;
  (void)argv;
#endif
}

int main(int argc, char** argv) {
  ReexecWithHugePages(argc, argv);
  return dossier::cli::Run(argc, argv);
}
