// config: the site configuration file (dossier.yaml) — schema, defaults,
// strict decoding. An unknown key or a wrong type is an error naming
// file:line:col with a "did you mean" suggestion; values out of range are
// reported, never clamped. Spec: docs/formats/config.md.
#pragma once

#include <string>

#include "core/core.h"

namespace dossier::config {

struct SiteConfig {
  std::string title = "Dossier";
  std::string description = "Briefings generated from source articles.";
  std::string base_url = "";  // absolute URL the site is published at (sitemap, feed); "" = unknown
  std::string language = "en";
  std::string theme = "default";
  std::string author = "";
  // Folders, relative to the config file's folder unless absolute.
  std::string seeds_dir = "seeds";
  std::string content_dir = "content";
  std::string output_dir = "site";
  // summary
  double summary_ratio = 0.4;  // fraction of body sentences (rounded up)
  int summary_sentences = 0;   // > 0 overrides the ratio
  int brief_sentences = 3;     // "In brief" on the briefing page
  // related
  int related_max = 5;
  double related_min_score = 0.0;
  // entities: an entity gets its own page from this many mentions on
  int entity_min_mentions = 2;
  // home page
  int home_briefings = 20;
  // search
  int search_budget_kb = 4096;  // warn when the index is larger
  // ingest
  int max_article_mb = 16;
  // build
  int threads = 0;  // 0 = all cores

  static SiteConfig ForTest() { return SiteConfig(); }
};

// Parses YAML text; `path` is used in messages only. Empty text = defaults.
core::Status Parse(const std::string& text, const std::string& path, SiteConfig* config);

// Loads `path`; a missing file is fine when `required` is false (defaults).
core::Status Load(const std::string& path, bool required, SiteConfig* config);

}  // namespace dossier::config
