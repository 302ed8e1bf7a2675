#include "markdown/markdown.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>

#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <set>

namespace dossier::markdown {
namespace {

// Private-use characters that carry `{#id}` anchors through cmark.
constexpr const char* kAnchorOpen = "\xEE\x80\x80";   // U+E000
constexpr const char* kAnchorClose = "\xEE\x80\x81";  // U+E001

struct NodeDeleter {
  void operator()(cmark_node* n) const { cmark_node_free(n); }
};
struct ParserDeleter {
  void operator()(cmark_parser* p) const { cmark_parser_free(p); }
};

bool IsIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

// Replaces unescaped `{#id}` outside code with placeholders; strips any
// placeholder characters the text itself contains.
std::string MarkAnchors(const std::string& in) {
  std::string out;
  out.reserve(in.size());
  bool fenced = false;
  size_t line_start = 0;
  while (line_start < in.size()) {
    size_t nl = in.find('\n', line_start);
    size_t end = nl == std::string::npos ? in.size() : nl + 1;
    std::string line = in.substr(line_start, end - line_start);
    std::string_view t = core::Trim(line);
    bool fence = core::StartsWith(t, "```") || core::StartsWith(t, "~~~");
    if (fence) fenced = !fenced;
    if (fenced || fence) {
      out += line;
    } else {
      bool in_code = false;
      for (size_t i = 0; i < line.size(); ++i) {
        char c = line[i];
        if (c == '\\' && i + 1 < line.size()) {
          out += c;
          out += line[++i];
          continue;
        }
        if (c == '`') in_code = !in_code;
        if (!in_code && c == '{' && i + 2 < line.size() && line[i + 1] == '#') {
          size_t j = i + 2;
          while (j < line.size() && IsIdChar(line[j])) ++j;
          if (j < line.size() && line[j] == '}' && j > i + 2) {
            out += kAnchorOpen;
            out += line.substr(i + 2, j - i - 2);
            out += kAnchorClose;
            i = j;
            continue;
          }
        }
        if (static_cast<unsigned char>(c) == 0xEE && i + 2 < line.size() && line[i + 1] == '\x80' &&
            (line[i + 2] == '\x80' || line[i + 2] == '\x81')) {
          i += 2;
          continue;
        }
        out += c;
      }
    }
    line_start = end;
  }
  return out;
}

std::string PlainText(cmark_node* node) {
  std::string s;
  cmark_iter* it = cmark_iter_new(node);
  cmark_event_type ev;
  while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
    cmark_node* n = cmark_iter_get_node(it);
    if (ev != CMARK_EVENT_ENTER) continue;
    cmark_node_type t = cmark_node_get_type(n);
    if (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE) {
      const char* lit = cmark_node_get_literal(n);
      if (lit) s += lit;
    } else if (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK) {
      s += ' ';
    }
  }
  cmark_iter_free(it);
  return s;
}

std::string HeadingSlug(const std::string& text) {
  std::string s = core::Slugify(text, 60);
  return s == "untitled" ? "section" : s;
}

// cmark refuses children a parent cannot hold (a custom inline in a GFM
// table cell): the node was never attached, so it is freed here (it leaked,
// found by fuzz_markdown) and that anchor is dropped.
void InsertBefore(cmark_node* at, cmark_node* n) {
  if (!cmark_node_insert_before(at, n)) cmark_node_free(n);
}

// Splits text nodes that carry anchor placeholders.
void ExpandAnchors(cmark_node* text) {
  std::string lit = cmark_node_get_literal(text) ? cmark_node_get_literal(text) : "";
  if (lit.find(kAnchorOpen) == std::string::npos) return;
  size_t pos = 0;
  while (true) {
    size_t open = lit.find(kAnchorOpen, pos);
    if (open == std::string::npos) break;
    size_t close = lit.find(kAnchorClose, open);
    if (close == std::string::npos) break;
    if (open > pos) {
      cmark_node* t = cmark_node_new(CMARK_NODE_TEXT);
      cmark_node_set_literal(t, lit.substr(pos, open - pos).c_str());
      InsertBefore(text, t);
    }
    std::string id = lit.substr(open + 3, close - open - 3);
    cmark_node* a = cmark_node_new(CMARK_NODE_CUSTOM_INLINE);
    std::string html = "<span class=\"anchor\" id=\"" + core::HtmlEscape(id) + "\"></span>";
    cmark_node_set_on_enter(a, html.c_str());
    cmark_node_set_on_exit(a, "");
    InsertBefore(text, a);
    pos = close + 3;
  }
  cmark_node_set_literal(text, lit.substr(pos).c_str());
}

bool IsRelativeMdLink(const std::string& url) {
  if (url.empty() || url[0] == '/' || url[0] == '#' || url.find("://") != std::string::npos ||
      core::StartsWith(url, "mailto:"))
    return false;
  size_t end = url.find_first_of("#?");
  std::string path = url.substr(0, end);
  return core::EndsWith(path, ".md");
}

std::string RewriteMdLink(const std::string& url) {
  size_t end = url.find_first_of("#?");
  std::string path = url.substr(0, end);
  return path.substr(0, path.size() - 3) + ".html" + (end == std::string::npos ? "" : url.substr(end));
}

// cmark-gfm 0.29.0.gfm.6 (Debian 12) keeps the inline characters of the
// attached extensions ('w' and ':' for autolinks, '~' for strikethrough, …)
// in process-wide tables that every inline parse switches on at its start
// and off at its end (cmark_manage_extensions_special_characters in
// process_inlines, run by cmark_parser_finish). Two parses at once race: one
// that runs while another ends misses its autolinks and strikethrough, and
// a build's output would depend on thread timing. Later cmark-gfm releases
// keep the tables per parser; here the inline phase runs one at a time
// (block parsing and HTML rendering, most of the work, stay parallel).
std::mutex g_inline_phase;

void EnsureExtensions() {
  static std::once_flag once;
  std::call_once(once, [] { cmark_gfm_core_extensions_ensure_registered(); });
}

}  // namespace

RenderedMarkdown Render(const std::string& markdown, const MarkdownOptions& options) {
  EnsureExtensions();
  int opts = CMARK_OPT_VALIDATE_UTF8 | CMARK_OPT_STRIKETHROUGH_DOUBLE_TILDE;
  if (options.smart) opts |= CMARK_OPT_SMART;
  std::unique_ptr<cmark_parser, ParserDeleter> parser(cmark_parser_new(opts));
  cmark_llist* exts = nullptr;
  cmark_mem* mem = cmark_get_default_mem_allocator();
  for (const char* name : {"table", "autolink", "strikethrough", "tasklist"}) {
    cmark_syntax_extension* ext = cmark_find_syntax_extension(name);
    if (ext) {
      cmark_parser_attach_syntax_extension(parser.get(), ext);
      exts = cmark_llist_append(mem, exts, ext);
    }
  }
  std::string marked = MarkAnchors(markdown);
  cmark_parser_feed(parser.get(), marked.data(), marked.size());
  std::unique_ptr<cmark_node, NodeDeleter> doc;
  {
    std::lock_guard<std::mutex> lock(g_inline_phase);
    doc.reset(cmark_parser_finish(parser.get()));
  }
  cmark_consolidate_text_nodes(doc.get());

  RenderedMarkdown out;
  std::vector<cmark_node*> texts, headings, links;
  cmark_iter* it = cmark_iter_new(doc.get());
  cmark_event_type ev;
  while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
    if (ev != CMARK_EVENT_ENTER) continue;
    cmark_node* n = cmark_iter_get_node(it);
    switch (cmark_node_get_type(n)) {
      case CMARK_NODE_TEXT: texts.push_back(n); break;
      case CMARK_NODE_HEADING: headings.push_back(n); break;
      case CMARK_NODE_LINK: links.push_back(n); break;
      default: break;
    }
  }
  cmark_iter_free(it);
  for (cmark_node* t : texts) ExpandAnchors(t);
  for (cmark_node* l : links) {
    const char* u = cmark_node_get_url(l);
    if (u && IsRelativeMdLink(u)) cmark_node_set_url(l, RewriteMdLink(u).c_str());
  }
  std::set<std::string> used_ids;
  for (cmark_node* h : headings) {
    int level = cmark_node_get_heading_level(h);
    std::string text = core::CollapseWhitespace(PlainText(h));
    if (!options.heading_ids) continue;
    std::string base = HeadingSlug(text), id = base;
    for (int k = 1; used_ids.count(id); ++k) id = base + "-" + std::to_string(k);
    used_ids.insert(id);
    // Wrap the heading's inlines in a custom block that writes the id.
    cmark_node* block = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK);
    std::string tag = "h" + std::to_string(level);
    std::string enter = "<" + tag + " id=\"" + id + "\">";
    std::string exit = "</" + tag + ">\n";
    cmark_node_set_on_enter(block, enter.c_str());
    cmark_node_set_on_exit(block, exit.c_str());
    while (cmark_node* child = cmark_node_first_child(h)) {
      cmark_node_unlink(child);
      cmark_node_append_child(block, child);
    }
    cmark_node_replace(h, block);
    cmark_node_free(h);
    if (level >= options.toc_min_level && level <= options.toc_max_level) out.toc.push_back({level, id, text});
  }
  char* html = cmark_render_html(doc.get(), opts, exts);
  out.html = html;
  mem->free(html);
  cmark_llist_free(mem, exts);
  // Plain text, block by block.
  for (cmark_node* n = cmark_node_first_child(doc.get()); n; n = cmark_node_next(n)) {
    std::string t = core::CollapseWhitespace(PlainText(n));
    if (!t.empty()) out.plain_text += t + "\n";
  }
  return out;
}

std::string EscapeText(std::string_view text) {
  return core::EscapeMarkdownLineStart(core::EscapeMarkdownInline(text));
}

}  // namespace dossier::markdown
