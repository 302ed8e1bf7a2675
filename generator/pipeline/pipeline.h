// pipeline: the stage order and the folder layout. seeds/ -> ingest ->
// analyse -> compose (content/briefings/*.md, hand edits kept) -> read
// content/ -> render HTML + search index into a temporary folder -> swap it
// in place of site/ only when everything succeeded. The only module that
// knows every stage; stages never see a Pipeline.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "analyse/analyse.h"
#include "config/config.h"
#include "core/core.h"
#include "ingest/ingest.h"

namespace dossier::pipeline {

struct BuildOptions {
  std::filesystem::path project_dir = ".";  // themes/ and templates/ are looked up here
  std::filesystem::path seeds_dir;          // resolved paths (absolute or relative to cwd)
  std::filesystem::path content_dir;
  std::filesystem::path out_dir;
  bool strict = false;   // warnings are errors
  bool force = false;    // regenerate hand-edited briefings (a backup is kept)
  bool quiet = false;
  bool write_site = true;  // false: content/ only
  std::string dump_search_docs;  // write the search documents (lunr oracle input) here
  // HTML injected into every page before </body> (serve uses it).
  std::string inject_html;
  // When set, the site is rendered into this map (site path -> bytes)
  // instead of the output folder; nothing is swapped on disk.
  std::map<std::string, std::string>* memory_site = nullptr;
  // Kept across builds by long-running callers (serve): unchanged articles
  // are not analysed again. The output is the same with or without it.
  analyse::AnalysisCache* analysis_cache = nullptr;
  // Called as work advances: stage name, items done, items in the stage.
  // May be called from worker threads (never concurrently).
  std::function<void(const char* stage, size_t done, size_t total)> progress;
};

struct BuildReport {
  size_t articles = 0;
  size_t briefings_written = 0;
  size_t briefings_kept = 0;  // hand-edited, left alone
  size_t pages = 0;           // HTML pages written
  size_t search_bytes = 0;
  size_t search_gzip_bytes = 0;
  bool up_to_date = false;    // nothing changed since the last build: nothing done
  std::vector<std::pair<std::string, double>> timings;  // stage -> seconds
};

// Resolves folders from the config (relative to the config's folder).
BuildOptions OptionsFromConfig(const config::SiteConfig& config, const std::filesystem::path& config_dir);

// Ingest + analyse only (used by `dossier analyse`).
core::Status LoadAndAnalyse(const config::SiteConfig& config, const BuildOptions& options,
                            std::vector<ingest::Article>* articles, std::vector<analyse::ArticleAnalysis>* analyses,
                            core::Diagnostics* diagnostics);

analyse::AnalyseOptions AnalyseOptionsFrom(const config::SiteConfig& config);

// The whole build. Diagnostics collects warnings (and errors of single
// files); the Status is not ok when the build as a whole failed, in which
// case the previous site/ is left untouched.
core::Status Build(const config::SiteConfig& config, const BuildOptions& options, BuildReport* report,
                   core::Diagnostics* diagnostics);

// Verifies every internal link, anchor and asset of a built site.
// Root-relative references ("/sub/x.html") are resolved under `base_path`
// (the path of base_url, e.g. "/sub/"); any other absolute path is broken.
// Returns one line per broken reference ("page: href -> problem").
std::vector<std::string> CheckSite(const std::filesystem::path& site_dir, const std::string& base_path = "/");

}  // namespace dossier::pipeline
