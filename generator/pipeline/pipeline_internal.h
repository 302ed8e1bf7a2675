// Private to pipeline/: the pieces Build() composes.
#pragma once

#include <map>
#include <set>

#include "compose/compose.h"
#include "pipeline/pipeline.h"
#include "render/render.h"
#include "search/search.h"

namespace dossier::pipeline {

namespace fs = std::filesystem;

// A content page ready to render.
struct SitePage {
  compose::Page page;
  std::string out_path;  // site-relative, e.g. "briefings/x.html"
};

// Writes composed briefings into content/briefings/, keeping hand edits.
// Returns the pages that are current in memory (rel_path -> page) so they
// need not be parsed again.
core::Status WriteBriefings(const fs::path& content_dir, std::vector<compose::Page>* pages, bool force,
                            BuildReport* report, core::Diagnostics* diagnostics,
                            std::map<std::string, compose::Page>* current);

// Reads every page of content/ (in-memory pages are used as they are).
void LoadContent(const fs::path& content_dir, std::map<std::string, compose::Page> current,
                 std::vector<SitePage>* pages, compose::Page* home_intro, core::Diagnostics* diagnostics);

// Writes files below a folder, refusing paths that would escape it; or,
// with a memory map, into the map (serve keeps its site in memory).
class SiteWriter {
 public:
  explicit SiteWriter(fs::path root, std::map<std::string, std::string>* memory = nullptr)
      : root_(std::move(root)), memory_(memory) {}
  core::Status Write(const std::string& rel, std::string_view data);
  core::Status Copy(const std::string& rel, const fs::path& from);
  const fs::path& root() const { return root_; }
  const std::vector<std::string>& written() const { return written_; }

 private:
  fs::path root_;
  std::map<std::string, std::string>* memory_;
  std::vector<std::string> written_;
};

struct RenderInput {
  const config::SiteConfig* config;
  const BuildOptions* options;
  const render::Theme* theme;
  std::vector<SitePage>* pages;
  const compose::Page* home_intro;
};

// Renders every HTML page, feeds, sitemap and the search index.
core::Status RenderSite(const RenderInput& in, SiteWriter* writer, BuildReport* report,
                        core::Diagnostics* diagnostics);

// "../" repeated once per folder of a site-relative path.
std::string RootPrefix(const std::string& site_path);

}  // namespace dossier::pipeline
