// ingest: reads raw articles from seeds/ and turns each into an Article:
// title (detected or derived), byline, date, source URL, publisher, body
// paragraphs as plain text, and page furniture kept apart from the text.
// The raw-article format is specified in docs/formats/raw-article.md.
// One bad file never stops the others: it becomes a diagnostic.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/core.h"

namespace dossier::ingest {

struct Link {
  std::string text;
  std::string url;
};

struct Article {
  std::string id;           // path relative to seeds/ without extension, '/'-separated
  std::string source_path;  // path relative to seeds/, with extension
  std::string slug;         // unique across the corpus (assigned by LoadArticles)
  std::string title;
  bool title_derived = false;  // true when made from the lead sentence
  std::string byline;
  std::string byline_url;
  std::string date;        // ISO 8601 "YYYY-MM-DD", or "" when the article has none
  std::string source_url;  // "" when unknown
  std::string publisher;   // from front matter, else the source URL's host
  std::vector<std::string> paragraphs;  // body, plain text, one entry per paragraph
  std::vector<std::string> notes;       // disclaimers and editor's notes (not body text)
  std::vector<Link> related_links;      // "Related article:" furniture
  std::vector<std::string> credits;     // photo credits
  std::vector<std::string> tags;        // front matter "tags"
  std::string content_hash;             // hash of the decoded source text
  bool slug_from_front_matter = false;
};

struct IngestOptions {
  // Files larger than this are skipped with a warning. Default: 16 MiB.
  size_t max_file_bytes = 16u << 20;
};

// Parses one article from its bytes. `rel_path` is the path relative to
// seeds/ (used for the id and in messages, prefixed by `display_dir`).
// Returns false (with a diagnostic) when the file must be skipped.
bool ParseArticle(std::string_view bytes, const std::string& rel_path, const std::string& display_path,
                  const IngestOptions& options, Article* article, core::Diagnostics* diagnostics);

// Kept between LoadArticles calls by a long-running caller (serve): a file
// whose size, modification time, inode and change time are all unchanged
// is not read or parsed again; its article and messages are replayed.
struct LoadCache {
  struct Entry {
    uint64_t stamp = 0;  // fingerprint of size, mtime, ctime, inode
    std::string display;
    bool parsed = false;  // false: the file was skipped
    Article article;      // before AssignUniqueSlugs
    core::Diagnostics diagnostics;
  };
  std::string options_key;
  std::map<std::string, Entry> entries;  // by path relative to seeds/
};

// Reads every .txt and .md file under `seeds_dir` (recursively, sorted by
// path; hidden files and symlinks leading outside are skipped with a
// warning), assigns unique slugs, and returns the articles sorted by id.
// Fails only when `seeds_dir` itself cannot be read.
core::Status LoadArticles(const std::filesystem::path& seeds_dir, const IngestOptions& options,
                          std::vector<Article>* articles, core::Diagnostics* diagnostics,
                          LoadCache* cache = nullptr);

// Makes slugs unique: the first article (by id) keeps its slug, later ones
// get "-2", "-3", ...
void AssignUniqueSlugs(std::vector<Article>* articles);

// "https://www.themoscowtimes.com/x" -> "The Moscow Times" (known hosts) or
// the host without "www.".
std::string PublisherFromUrl(const std::string& url);

// Recognises "November 20, 2019", "20 November 2019", "Nov. 20, 2019",
// "2019-11-20" (optionally with a time); returns "YYYY-MM-DD" or "".
std::string ParseDate(std::string_view text);

}  // namespace dossier::ingest
