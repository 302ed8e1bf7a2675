#include "cli/cli.h"

#include <CLI/CLI.hpp>
#include <signal.h>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>

#include "cli/cli_internal.h"
#include "search/search.h"

namespace dossier::cli {

namespace fs = std::filesystem;

void PrintError(const core::Status& status) { std::fprintf(stderr, "%s\n", status.ToString().c_str()); }

size_t PrintDiagnostics(core::Diagnostics* diagnostics, bool quiet) {
  diagnostics->Sort();
  size_t n = 0;
  for (const auto& d : diagnostics->items()) {
    if (quiet && d.severity == core::Severity::kWarning) continue;
    std::fprintf(stderr, "%s\n", d.ToString().c_str());
    ++n;
  }
  return n;
}

bool Setup(const CommonFlags& f, config::SiteConfig* config, pipeline::BuildOptions* options, int* exit_code) {
  std::string path = f.config.empty() ? "dossier.yaml" : f.config;
  core::Status st = config::Load(path, !f.config.empty(), config);
  if (!st.ok()) {
    PrintError(st);
    *exit_code = kExitError;
    return false;
  }
  fs::path dir = fs::path(path).parent_path();
  if (dir.empty()) dir = ".";
  *options = pipeline::OptionsFromConfig(*config, dir);
  if (!f.seeds.empty()) options->seeds_dir = f.seeds;
  if (!f.content.empty()) options->content_dir = f.content;
  if (!f.out.empty()) options->out_dir = f.out;
  options->strict = f.strict;
  options->quiet = f.quiet;
  return true;
}

namespace {

void AddCommon(CLI::App* app, CommonFlags* f) {
  app->add_option("--seeds", f->seeds, "Folder of raw articles (default: seeds/)");
  app->add_option("--content", f->content, "Folder of Markdown pages (default: content/)");
  app->add_option("--out", f->out, "Output folder for the site (default: site/)");
  app->add_option("--config", f->config, "Config file (default: dossier.yaml, if present)");
  app->add_flag("--strict", f->strict, "Treat warnings as errors (exit 1)");
  app->add_flag("-q,--quiet", f->quiet, "Print errors only");
}

std::string Kib(size_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f KiB", bytes / 1024.0);
  return buf;
}

// SIGINT/SIGTERM during a build: set the flag the pipeline polls, so it stops
// between files, removes its temporary site folder and exits 130. The
// handler is reset on first use: a second Ctrl-C ends the process at once
// (the previous site/ is still whole; the next build removes the leftovers).
void OnBuildSignal(int) { core::RequestInterrupt(); }

void InstallBuildSignalHandlers() {
  struct sigaction sa {};
  sa.sa_handler = OnBuildSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESETHAND;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

int RunBuild(const CommonFlags& f, bool force, bool timings, bool no_cache, const std::string& dump) {
  config::SiteConfig config;
  pipeline::BuildOptions options;
  int code = kExitOk;
  if (!Setup(f, &config, &options, &code)) return code;
  options.force = force;
  options.use_disk_cache = !no_cache;
  options.dump_search_docs = dump;
  // A progress line on a terminal, for builds that take over a second.
  auto start = std::chrono::steady_clock::now();
  bool shown = false;
  if (!f.quiet && isatty(STDERR_FILENO)) {
    options.progress = [start, &shown, stage_name = std::string(), stage_start = start](
                           const char* stage, size_t done, size_t total) mutable {
      auto now = std::chrono::steady_clock::now();
      if (stage_name != stage) {
        stage_name = stage;
        stage_start = now;
      }
      double secs = std::chrono::duration<double>(now - start).count();
      double in_stage = std::chrono::duration<double>(now - stage_start).count();
      if (secs < 1.0) return;
      shown = true;
      if (total == 0)
        std::fprintf(stderr, "\r\033[K%-16s %6.1f s", stage, secs);
      else
        std::fprintf(stderr, "\r\033[K%-16s %zu/%zu  %.0f/s  %6.1f s", stage, done, total,
                     in_stage > 0 ? done / in_stage : 0.0, secs);
      std::fflush(stderr);
    };
  }
  pipeline::BuildReport report;
  core::Diagnostics diags;
  InstallBuildSignalHandlers();
  core::Status st = pipeline::Build(config, options, &report, &diags);
  if (shown) std::fprintf(stderr, "\r\033[K");
  PrintDiagnostics(&diags, f.quiet);
  if (!st.ok() && core::InterruptRequested()) {
    std::fprintf(stderr, "dossier: interrupted; the previous site was left as it was\n");
    return kExitInterrupted;
  }
  if (!st.ok()) {
    PrintError(st);
    if (options.write_site) std::fprintf(stderr, "build failed; the previous site was left as it was\n");
    return kExitError;
  }
  if (!f.quiet && report.up_to_date) {
    std::fprintf(stderr, "%s is up to date (nothing changed since the last build); %zu warning(s)\n",
                 core::GenericString(options.out_dir).c_str(), diags.WarningCount());
  } else if (!f.quiet) {
    double total = 0;
    for (const auto& [stage, s] : report.timings) total += s;
    std::fprintf(stderr,
                 "built %zu briefings (%zu written, %zu kept as edited), %zu pages into %s; search index %s (%s gzip); "
                 "%zu warning(s); %.2f s\n",
                 report.articles, report.briefings_written, report.briefings_kept, report.pages,
                 core::GenericString(options.out_dir).c_str(), Kib(report.search_bytes).c_str(),
                 Kib(report.search_gzip_bytes).c_str(), diags.WarningCount(), total);
    if (timings)
      for (const auto& [stage, s] : report.timings) std::fprintf(stderr, "  %-22s %8.3f s\n", stage.c_str(), s);
  }
  if (diags.HasErrors() || (f.strict && !diags.empty())) return kExitError;
  return kExitOk;
}

// `dossier index`: a lunr index from a DOCS_JSON file (the lunr oracle's
// input format), for checking the index builder against lunr.js.
int RunIndex(const std::string& docs_path, const std::string& out_path) {
  // A batch command: the heap is set up once, with 24× the documents file
  // as address space (about half of it is touched; bench/notes.md).
  std::error_code size_ec;
  const auto docs_size = fs::file_size(docs_path, size_ec);
  core::PrepareBatchHeap(std::max<size_t>(size_t(64) << 20, size_ec ? 0 : static_cast<size_t>(docs_size) * 24));
  search::IndexSpec spec;
  std::vector<search::Document> docs;
  core::Status st;
  {
    std::string text;  // freed before the index is built (its memory is reused)
    st = core::ReadFile(docs_path, &text);
    if (st.ok()) st = search::ParseDocsJsonInPlace(&text, docs_path, &spec, &docs);
  }
  if (st.ok()) {
    // Streamed into the file: the whole text is never held in memory.
    core::AtomicFileWriter out(out_path);
    st = out.Open();
    if (st.ok()) {
      search::WriteLunrIndex(spec, std::move(docs), [&out](std::string_view piece) { return out.Write(piece); });
      st = out.Commit();
    }
  }
  if (!st.ok()) {
    PrintError(st);
    return kExitError;
  }
  return kExitOk;
}

int RunCheck(const CommonFlags& f) {
  config::SiteConfig config;
  pipeline::BuildOptions options;
  int code = kExitOk;
  if (!Setup(f, &config, &options, &code)) return code;
  std::error_code ec;
  if (!fs::is_directory(options.out_dir, ec)) {
    std::fprintf(stderr, "%s: error: no site to check (run 'dossier build' first)\n",
                 core::GenericString(options.out_dir).c_str());
    return kExitError;
  }
  std::string base_path = "/";
  size_t scheme = config.base_url.find("://");
  if (scheme != std::string::npos) {
    size_t slash = config.base_url.find('/', scheme + 3);
    if (slash != std::string::npos) base_path = config.base_url.substr(slash);
  }
  auto problems = pipeline::CheckSite(options.out_dir, base_path);
  for (const auto& p : problems) std::printf("%s\n", p.c_str());
  if (!f.quiet || !problems.empty())
    std::fprintf(stderr, "%zu broken link(s), anchor(s) or asset(s) in %s\n", problems.size(),
                 core::GenericString(options.out_dir).c_str());
  return problems.empty() ? kExitOk : kExitError;
}

}  // namespace

int Run(int argc, char** argv) {
  CLI::App app{"Dossier turns raw articles into a static briefing site.", "dossier"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("dossier ") + DOSSIER_VERSION);
  CommonFlags common;
  bool force = false, timings = false, no_cache = false;
  std::string dump;
  AnalyseFlags af;

  CLI::App* build = app.add_subcommand("build", "Write briefings into content/ and render the site into site/");
  AddCommon(build, &common);
  build->add_flag("--force", force, "Regenerate briefings edited by hand (a .bak copy is kept)");
  build->add_flag("--timings", timings, "Print the time of each stage");
  build->add_flag("--no-cache", no_cache,
                  "Do everything again: neither use nor update the cache in .dossier-cache/ (a first build)");
  build->add_option("--dump-search-docs", dump, "Write the documents given to the search index (JSON) to FILE");

  CLI::App* analyse = app.add_subcommand("analyse", "Print the analysis of every article (machine interface)");
  AddCommon(analyse, &common);
  analyse->add_option("--format", af.format, "Output format")->check(CLI::IsMember({"jsonl", "text"}));
  analyse->add_option("--summary-ratio", af.summary_ratio, "Summary length as a fraction of the body sentences")
      ->check(CLI::Range(0.01, 1.0));
  analyse->add_option("--summary-sentences", af.summary_sentences, "Summary length in sentences (wins over the ratio)")
      ->check(CLI::Range(1, 1000));

  CLI::App* check = app.add_subcommand("check", "Verify every internal link, anchor and asset of the built site");
  AddCommon(check, &common);

  ServeFlags sf;
  CLI::App* serve = app.add_subcommand("serve", "Build into memory and serve the site locally, rebuilding on change");
  AddCommon(serve, &common);
  serve->add_option("--port", sf.port, "TCP port (default 1313; 0 picks a free one)")->check(CLI::Range(0, 65535));
  serve->add_option("--bind", sf.bind, "Address to listen on (default 127.0.0.1, loopback only)");
  serve->add_option("--base-path", sf.base_path, "Serve the site under this path, as it will be hosted (e.g. /sub/)");
  serve->add_flag("--open", sf.open, "Open the site in a browser (xdg-open)");
  serve->add_flag("--poll", sf.poll, "Watch by polling instead of inotify");
  serve->add_flag("--timings", sf.timings, "Print the time of each stage of every rebuild");

  std::string index_docs, index_out;
  CLI::App* index = app.add_subcommand("index", "Build a lunr 2.3.9 index from a documents file (lunr oracle format)");
  index->add_option("--docs", index_docs, "Documents (JSON: {ref, fields, documents})")->required();
  index->add_option("--out", index_out, "Index file to write")->required();

  CLI::App* version = app.add_subcommand("version", "Print the version");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  }
  if (*version) {
    std::printf("dossier %s\n", DOSSIER_VERSION);
    return kExitOk;
  }
  if (*build) return RunBuild(common, force, timings, no_cache, dump);
  if (*analyse) return RunAnalyse(common, af);
  if (*check) return RunCheck(common);
  if (*index) return RunIndex(index_docs, index_out);
  if (*serve) return RunServe(common, sf);
  return kExitUsage;
}

}  // namespace dossier::cli
