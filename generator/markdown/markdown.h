// markdown: Markdown -> HTML with cmark-gfm (GFM tables, autolinks,
// strikethrough, smart punctuation; raw HTML is never passed through).
// The only includer of cmark-gfm. Adds unique heading ids and a table of
// contents, turns Dossier anchors `{#id}` into empty anchor elements, and
// rewrites relative links to `.md` files into links to the `.html` pages.
#pragma once

#include <string>
#include <vector>

#include "core/core.h"

namespace dossier::markdown {

struct MarkdownOptions {
  bool smart = true;       // curly quotes, dashes, ellipses
  bool heading_ids = true;
  int toc_min_level = 2;
  int toc_max_level = 3;
};

struct Heading {
  int level = 0;
  std::string id;
  std::string text;  // plain text
};

struct RenderedMarkdown {
  std::string html;
  std::vector<Heading> toc;  // headings between toc_min_level and toc_max_level
  std::string plain_text;    // text content, paragraphs separated by "\n"
};

RenderedMarkdown Render(const std::string& markdown, const MarkdownOptions& options);

// Escapes text so that Markdown shows it literally (no emphasis, links, HTML
// or anchors are formed from it).
std::string EscapeText(std::string_view text);

}  // namespace dossier::markdown
