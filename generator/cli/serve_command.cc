// `dossier serve`: build into memory, serve on loopback, rebuild on change,
// reload open pages. Ctrl-C / SIGTERM stop it cleanly (exit status 130).
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <thread>

#include "cli/cli_internal.h"
#include "serve/serve.h"

extern char** environ;

namespace dossier::cli {

namespace fs = std::filesystem;

namespace {

bool OnPath(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (!path) return false;
  std::string_view rest(path);
  while (!rest.empty()) {
    size_t colon = rest.find(':');
    std::string dir(rest.substr(0, colon));
    if (!dir.empty() && ::access((fs::path(dir) / program).c_str(), X_OK) == 0) return true;
    if (colon == std::string_view::npos) break;
    rest.remove_prefix(colon + 1);
  }
  return false;
}

// Starts xdg-open without waiting for the browser; never fails the command.
void OpenBrowser(const std::string& url, bool quiet) {
  if (!OnPath("xdg-open")) {
    if (!quiet) std::fprintf(stderr, "(--open: xdg-open not found; open %s yourself)\n", url.c_str());
    return;
  }
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  std::string prog = "xdg-open";
  char* argv[] = {prog.data(), const_cast<char*>(url.c_str()), nullptr};
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, "xdg-open", &fa, &attr, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    if (!quiet) std::fprintf(stderr, "(--open: could not start xdg-open; open %s yourself)\n", url.c_str());
    return;
  }
  std::thread([pid] {
    int status = 0;
    waitpid(pid, &status, 0);
  }).detach();
}

std::string Seconds(double s) {
  char b[32];
  std::snprintf(b, sizeof b, "%.2f s", s);
  return b;
}

void PrintBuild(const serve::BuildEvent& ev, bool quiet, bool timings) {
  core::Diagnostics diags = ev.diagnostics;
  PrintDiagnostics(&diags, quiet);
  if (!ev.ok) {
    PrintError(ev.status);
    std::fprintf(stderr, "build failed (%.2f s); still serving the last good site%s\n", ev.seconds,
                 ev.epoch ? "" : " (none yet)");
    return;
  }
  if (quiet) return;
  const std::string search =
      ev.search_superseded ? ", search index dropped (a newer build was out first)"
      : ev.search_seconds > 0 ? ", search index " + Seconds(ev.search_seconds) + " after"
                              : "";
  if (ev.initial) {
    std::fprintf(stderr, "built %zu pages in memory in %.2f s (pipeline %.2f s)%s; %zu warning(s)\n", ev.pages,
                 ev.seconds, ev.pipeline_seconds, search.c_str(), diags.WarningCount());
    if (timings)
      for (const auto& [stage, seconds] : ev.timings) std::fprintf(stderr, "  %-22s %8.3f s\n", stage.c_str(), seconds);
    return;
  }
  std::string kinds;
  for (auto k : ev.kinds) kinds += std::string(kinds.empty() ? "" : "+") + serve::ChangeKindName(k);
  std::string more = ev.changes > 1 ? " and " + std::to_string(ev.changes - 1) + " more" : "";
  std::fprintf(stderr, "%s change (%s%s): rebuilt %zu pages in %.2f s (pipeline %.2f s)%s, epoch %llu\n",
               kinds.c_str(), ev.first_change.c_str(), more.c_str(), ev.pages, ev.seconds, ev.pipeline_seconds,
               search.c_str(), static_cast<unsigned long long>(ev.epoch));
  if (timings)
    for (const auto& [stage, seconds] : ev.timings) std::fprintf(stderr, "  %-22s %8.3f s\n", stage.c_str(), seconds);
}

}  // namespace

int RunServe(const CommonFlags& f, const ServeFlags& s) {
  std::string base;
  std::string why;
  if (!serve::NormalizeBasePath(s.base_path, &base, &why)) {
    std::fprintf(stderr, "error: --base-path '%s': %s\n", s.base_path.c_str(), why.c_str());
    return kExitUsage;
  }
  config::SiteConfig config;
  pipeline::BuildOptions first;
  int code = kExitOk;
  if (!Setup(f, &config, &first, &code)) return code;

  serve::ServeOptions o;
  o.bind = s.bind;
  o.port = s.port;
  o.base_path = base;
  o.force_polling = s.poll;
  o.config_file = f.config.empty() ? fs::path("dossier.yaml") : fs::path(f.config);
  o.load = [f](config::SiteConfig* c, pipeline::BuildOptions* opts) {
    std::string path = f.config.empty() ? "dossier.yaml" : f.config;
    core::Status st = config::Load(path, !f.config.empty(), c);
    if (!st.ok()) return st;
    fs::path dir = fs::path(path).parent_path();
    if (dir.empty()) dir = ".";
    *opts = pipeline::OptionsFromConfig(*c, dir);
    if (!f.seeds.empty()) opts->seeds_dir = f.seeds;
    if (!f.content.empty()) opts->content_dir = f.content;
    if (!f.out.empty()) opts->out_dir = f.out;
    opts->strict = f.strict;
    opts->quiet = f.quiet;
    return core::Status::Ok();
  };
  bool quiet = f.quiet;
  bool timings = s.timings;
  o.on_build = [quiet, timings](const serve::BuildEvent& ev) { PrintBuild(ev, quiet, timings); };
  o.log = [quiet](const std::string& line) {
    if (!quiet) std::fprintf(stderr, "%s\n", line.c_str());
  };

  if (!serve::IsLoopbackHost(s.bind))
    std::fprintf(stderr,
                 "warning: binding to %s makes the site (and its live-reload stream) reachable from other "
                 "machines; the default is 127.0.0.1\n",
                 s.bind.c_str());

  // Signals are taken synchronously by this thread; every other thread
  // (created below) inherits the blocked mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  serve::DevServer server(o);
  core::Status st = server.Start();
  if (!st.ok()) {
    PrintError(st);
    return kExitError;
  }
  if (!quiet) std::fprintf(stderr, "serving %s  (Ctrl-C to stop)\n", server.url().c_str());
  if (s.open) OpenBrowser(server.url(), quiet);

  bool interrupted = false;
  while (server.running()) {
    timespec wait{0, 200 * 1000 * 1000};
    siginfo_t info;
    if (sigtimedwait(&stop_signals, &info, &wait) > 0) {
      interrupted = true;
      break;
    }
  }
  if (!quiet) std::fprintf(stderr, "stopping\n");
  server.Stop();
  return interrupted ? 130 : kExitOk;
}

}  // namespace dossier::cli
