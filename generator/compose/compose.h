// compose: what a briefing says, and the content/ page format. Turns an
// article and its analysis into a briefing page (YAML front matter +
// Markdown body), serialises pages, parses pages back (briefings and
// hand-written pages alike), and detects hand edits through the
// `dossier_hash` line. Spec: docs/formats/briefing-page.md. No I/O.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "analyse/analyse.h"
#include "core/core.h"
#include "ingest/ingest.h"

namespace dossier::compose {

struct EntityRef {
  std::string name;
  std::string kind;  // person, organisation, place, other
  std::string slug;  // entity page: entities/<slug>.html; "" = no page of its own
  int count = 0;
};

struct RelatedRef {
  std::string slug;
  std::string title;
  double score = 0;
  std::vector<std::string> shared;
};

struct KeyPoint {
  std::string text;
  std::string anchor;  // "s4"
};

struct QuoteRef {
  std::string speaker;
  std::string text;
  std::string anchor;
};

// A page of content/: a generated briefing or a hand-written page.
struct Page {
  std::string rel_path;  // relative to content/, e.g. "briefings/x.md", "about.md"
  bool is_briefing = false;
  std::string title;
  bool title_derived = false;
  std::string slug;
  std::string date;  // YYYY-MM-DD or ""
  std::string byline;
  std::string byline_url;
  std::string source_url;
  std::string publisher;
  std::string seed;       // seed path relative to seeds/
  std::string seed_hash;  // content hash of the seed it was made from
  std::vector<std::string> summary;  // "In brief" sentences, article order
  std::vector<KeyPoint> key_points;
  std::vector<EntityRef> entities;
  std::vector<std::string> keyphrases;
  std::vector<QuoteRef> quotes;
  std::vector<RelatedRef> related;
  std::vector<std::string> notes;
  std::vector<std::string> tags;
  std::string description;  // hand-written pages
  int weight = 0;           // hand-written pages: menu order
  bool menu = false;        // hand-written pages: listed in the navigation
  std::string body;         // Markdown
  int body_line = 1;        // line of the body's first line in the file
};

// Site-wide facts a briefing needs to link to other pages.
struct ComposeContext {
  // entity canonical name -> ref (kind, slug); built from all analyses.
  std::map<std::string, EntityRef> entities;
  // article id -> (slug, title)
  std::map<std::string, std::pair<std::string, std::string>> articles;
  int brief_sentences = 3;
};

// Builds the site-wide entity directory: one entry per canonical name, the
// kind most articles agree on, unique slugs (sorted, stable). Entities
// mentioned fewer than `min_mentions` times across the site get no page
// (empty slug): one passing mention is not worth a page.
std::map<std::string, EntityRef> BuildEntityDirectory(const std::vector<analyse::ArticleAnalysis>& analyses,
                                                      int min_mentions);

Page ComposeBriefing(const ingest::Article& article, const analyse::ArticleAnalysis& analysis,
                     const ComposeContext& context);

// The page file: front matter, a dossier_hash line for generated pages, body.
std::string Serialize(const Page& page, bool generated);

// Parses a content/ page. Front matter errors name path:line:col.
core::Status ParsePage(const std::string& text, const std::string& path, Page* page);

enum class FileState { kGenerated, kHandEdited, kHandWritten };
// kGenerated: written by Dossier and unchanged since; kHandEdited: has a
// dossier_hash that no longer matches; kHandWritten: no dossier_hash.
FileState ClassifyFile(const std::string& text);

}  // namespace dossier::compose
