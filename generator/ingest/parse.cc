// The raw-article parser (docs/formats/raw-article.md).
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <regex>

#include "ingest/ingest.h"

namespace dossier::ingest {
namespace {

using core::CollapseWhitespace;
using core::EndsWith;
using core::StartsWith;
using core::Trim;

bool IsBlank(std::string_view s) { return Trim(s).empty(); }

// Decodes the file's bytes to UTF-8 text; empty result + diagnostic = skip.
bool Decode(std::string_view bytes, const std::string& path, std::string* text, core::Diagnostics* diags) {
  if (bytes.size() >= 2 && ((bytes[0] == '\xFF' && bytes[1] == '\xFE') || (bytes[0] == '\xFE' && bytes[1] == '\xFF'))) {
    bool be = bytes[0] == '\xFE';
    *text = core::Utf16ToUtf8(bytes.substr(2), be);
    diags->Warn({path}, std::string("decoded as UTF-16 ") + (be ? "BE" : "LE") + " (byte-order mark found)");
  } else if (bytes.find('\0') != std::string_view::npos) {
    diags->Warn({path}, "skipped: binary file (contains NUL bytes), not an article");
    return false;
  } else if (!core::IsValidUtf8(bytes)) {
    *text = core::Windows1252ToUtf8(bytes);
    diags->Warn({path}, "not valid UTF-8; decoded as Windows-1252");
  } else {
    *text = std::string(bytes);
  }
  *text = core::NormalizeNewlines(*text);
  // Control characters other than tab/newline are noise in articles.
  text->erase(std::remove_if(text->begin(), text->end(),
                             [](char c) { return (c >= 0 && c < 0x20 && c != '\n' && c != '\t') || c == 0x7F; }),
              text->end());
  if (IsBlank(*text)) {
    diags->Warn({path}, "skipped: empty article");
    return false;
  }
  return true;
}

// Decodes the HTML character references scrapers leave in text (&#163;,
// &#x2019;, &amp;, &nbsp;...). Unknown names are left as they are.
std::string DecodeEntities(const std::string& in) {
  if (in.find('&') == std::string::npos) return in;
  static const std::pair<const char*, uint32_t> kNamed[] = {
      {"amp", '&'},     {"lt", '<'},        {"gt", '>'},        {"quot", '"'},      {"apos", '\''},
      {"nbsp", 0xA0},   {"pound", 0xA3},    {"euro", 0x20AC},   {"mdash", 0x2014},  {"ndash", 0x2013},
      {"lsquo", 0x2018}, {"rsquo", 0x2019}, {"ldquo", 0x201C},  {"rdquo", 0x201D},  {"hellip", 0x2026},
      {"eacute", 0xE9}, {"copy", 0xA9}};
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    size_t semi = in[i] == '&' ? in.find(';', i) : std::string::npos;
    if (semi == std::string::npos || semi - i > 10) {
      out += in[i];
      continue;
    }
    std::string name = in.substr(i + 1, semi - i - 1);
    uint32_t cp = 0;
    if (name.size() > 1 && name[0] == '#') {
      bool hex = name[1] == 'x' || name[1] == 'X';
      std::string digits = name.substr(hex ? 2 : 1);
      if (!digits.empty() && digits.find_first_not_of(hex ? "0123456789abcdefABCDEF" : "0123456789") == std::string::npos)
        cp = static_cast<uint32_t>(std::stoul(digits, nullptr, hex ? 16 : 10));
      if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || cp < 0x20) cp = 0;
    } else {
      for (const auto& [n, c] : kNamed)
        if (name == n) cp = c;
    }
    if (cp == 0) {
      out += in[i];
      continue;
    }
    core::AppendUtf8(&out, cp);
    i = semi;
  }
  return out;
}

// Splits off YAML front matter ("---" line ... "---" line).
bool SplitFrontMatter(std::string* text, std::string* yaml, int* body_line) {
  *body_line = 1;
  if (!StartsWith(*text, "---\n")) return false;
  size_t end = text->find("\n---", 3);
  while (end != std::string::npos) {
    size_t after = end + 4;
    if (after >= text->size() || (*text)[after] == '\n') break;
    end = text->find("\n---", after);
  }
  if (end == std::string::npos) return false;
  *yaml = text->substr(4, end + 1 - 4);
  size_t body = std::min(text->size(), end + 5);
  *body_line = 2 + static_cast<int>(std::count(yaml->begin(), yaml->end(), '\n'));
  *text = text->substr(body);
  return true;
}

// Inline Markdown -> plain text: links, images, emphasis, code, escapes.
std::string StripInlineMarkdown(std::string_view s) {
  static const std::regex kImage(R"(!\[([^\]]*)\]\([^)]*\))");
  static const std::regex kLink(R"(\[([^\]]+)\]\([^)]*\))");
  static const std::regex kAutolink(R"(<(https?://[^>\s]+)>)");
  static const std::regex kStrong(R"((\*\*|__)(\S(?:.*?\S)?)\1)");
  static const std::regex kEm(R"((^|[^\w*])[*_](\S(?:[^*_]*?\S)?)[*_](?=$|[^\w*]))");
  static const std::regex kCode(R"(`([^`]+)`)");
  std::string t(s);
  if (t.find_first_of("[]*_`<") == std::string::npos) return t;
  t = std::regex_replace(t, kImage, "$1");
  t = std::regex_replace(t, kLink, "$1");
  t = std::regex_replace(t, kAutolink, "$1");
  t = std::regex_replace(t, kStrong, "$2");
  t = std::regex_replace(t, kEm, "$1$2");
  t = std::regex_replace(t, kCode, "$1");
  return t;
}

bool EndsSentence(std::string_view s) {
  s = Trim(s);
  if (s.empty()) return false;
  for (std::string_view end : {".", "!", "?", ":", "\"", "'", ")", "\xE2\x80\x9D", "\xE2\x80\x99", "\xE2\x80\xA6"})
    if (EndsWith(s, end)) return true;
  return false;
}

bool StartsLower(std::string_view s) {
  s = Trim(s);
  return !s.empty() && std::islower(static_cast<unsigned char>(s[0]));
}

size_t WordCount(std::string_view s) {
  size_t n = 0;
  bool in = false;
  for (char c : s) {
    bool sp = std::isspace(static_cast<unsigned char>(c));
    if (!sp && !in) ++n;
    in = !sp;
  }
  return n;
}

// A first line that reads as a headline: short, no final full stop.
bool LooksLikeHeadline(std::string_view line) {
  line = Trim(line);
  size_t words = WordCount(line);
  if (words == 0 || words > 20 || line.size() > 160) return false;
  if (EndsWith(line, ".") && !EndsWith(line, "...")) return false;
  if (EndsWith(line, ",") || EndsWith(line, ";")) return false;
  return true;
}

bool ParseByline(std::string_view line, std::string* name, std::string* url) {
  static const std::regex kLinked(R"(^[Bb]y:?\s+\[([^\]]+)\]\(([^)]*)\)\s*$)");
  static const std::regex kPlain(
      R"(^[Bb]y:?\s+([A-Z\xC0-\xFF][^\s,]*(?:\s+(?:and\s+|&\s+|[a-z]{1,3}\s+)?[A-Z\xC0-\xFF][^\s,]*){0,5}(?:,\s*[A-Z][\w .'-]{1,40})?)\s*$)");
  std::string l(Trim(line));
  std::smatch m;
  if (std::regex_match(l, m, kLinked)) {
    *name = std::string(Trim(m[1].str()));
    std::string u(Trim(m[2].str()));
    *url = (u == "#" || u.empty()) ? "" : u;
    return true;
  }
  if (l.size() < 80 && std::regex_match(l, m, kPlain)) {
    *name = m[1].str();
    url->clear();
    return true;
  }
  return false;
}

// "Kremlin.ru", "Photo: Reuters", "(AP Photo/...)", "Getty Images".
bool LooksLikeCredit(std::string_view line) {
  static const std::regex kCredit(
      R"(^\(?\s*(photo|photograph|image|picture|credit|illustration|source)s?\b.*|.*\b(getty images|reuters|afp|ap photo|shutterstock|epa|tass|ria novosti|xinhua)\)?$)",
      std::regex::icase);
  static const std::regex kDomain(R"(^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[a-z]{2,6}$)");
  std::string l(Trim(line));
  if (l.empty() || l.size() > 100 || WordCount(l) > 8) return false;
  if (EndsSentence(l) && !EndsWith(l, ")")) return false;
  return std::regex_match(l, kDomain) || std::regex_match(l, kCredit);
}

bool IsItalicBlock(std::string_view s) {
  s = Trim(s);
  if (s.size() < 3) return false;
  char c = s.front();
  if ((c != '*' && c != '_') || s.back() != c) return false;
  if (s.size() >= 4 && s[1] == c) return false;  // bold, not italic
  return s.find(c, 1) == s.size() - 1;
}

bool ParseRelatedLink(std::string_view s, Link* link) {
  static const std::regex kRelated(R"(^\**\s*(?:related(?: article| story| content)?|see also|read more)\s*:?\s*\**\s*:?\s*(.*)$)",
                                   std::regex::icase);
  static const std::regex kMdLink(R"(^\[([^\]]*)\]\(([^)]*)\)\s*$)");
  std::string l(Trim(s));
  std::string head = core::ToLowerAscii(l.substr(0, 24));
  if (head.find("related") == std::string::npos && head.find("see also") == std::string::npos &&
      head.find("read more") == std::string::npos)
    return false;
  std::smatch m;
  if (!std::regex_match(l, m, kRelated)) return false;
  std::string rest(Trim(m[1].str()));
  std::smatch lm;
  if (std::regex_match(rest, lm, kMdLink)) {
    link->text = lm[1].str();
    link->url = lm[2].str() == "#" ? "" : lm[2].str();
  } else {
    link->text = StripInlineMarkdown(rest);
    link->url.clear();
  }
  return !link->text.empty();
}

std::string ExtractUrl(std::string_view s) {
  static const std::regex kUrl(R"(<?(https?://[^\s>]+)>?)");
  std::string l(s);
  std::smatch m;
  if (std::regex_search(l, m, kUrl)) return m[1].str();
  return "";
}

// A short title made only of the lead sentence's own words.
std::string DeriveTitle(const std::string& lead) {
  std::string s = CollapseWhitespace(lead);
  // First sentence: up to ". " followed by an upper-case letter.
  for (size_t i = 0; i + 2 < s.size(); ++i) {
    if ((s[i] == '.' || s[i] == '!' || s[i] == '?') && s[i + 1] == ' ' && std::isupper(static_cast<unsigned char>(s[i + 2])) &&
        i > 20) {
      s = s.substr(0, i + 1);
      break;
    }
  }
  while (!s.empty() && (s.back() == '.' || s.back() == ' ')) s.pop_back();
  auto words_of = [](const std::string& t) { return WordCount(t); };
  if (words_of(s) <= 14) return s;
  // Cut at the first clause boundary that leaves a meaningful title.
  for (std::string_view sep : {", ", " \xE2\x80\x94 ", " - ", "; ", ": "}) {
    size_t p = s.find(sep);
    if (p != std::string::npos) {
      std::string head = s.substr(0, p);
      if (words_of(head) >= 4 && words_of(head) <= 18) return head;
    }
  }
  // Else the first 12 words and an ellipsis.
  std::string out;
  size_t words = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == ' ' && ++words == 12) break;
    out += s[i];
  }
  while (!out.empty() && (out.back() == ',' || out.back() == ';')) out.pop_back();
  return out + "\xE2\x80\xA6";
}

struct Block {
  std::vector<std::string> lines;
};

std::vector<Block> SplitBlocks(const std::vector<std::string>& lines) {
  std::vector<Block> blocks;
  Block cur;
  for (const auto& line : lines) {
    if (IsBlank(line)) {
      if (!cur.lines.empty()) blocks.push_back(std::move(cur));
      cur = Block();
    } else {
      cur.lines.push_back(std::string(Trim(line)));
    }
  }
  if (!cur.lines.empty()) blocks.push_back(std::move(cur));
  return blocks;
}

// Lines of one block -> paragraphs: hard-wrapped lines join; lines that each
// end a sentence stay separate paragraphs (one paragraph per line).
std::vector<std::string> BlockParagraphs(const Block& b) {
  std::vector<std::string> out;
  for (const auto& line : b.lines) {
    if (!out.empty() && (!EndsSentence(out.back()) || StartsLower(line)))
      out.back() += " " + line;
    else
      out.push_back(line);
  }
  return out;
}

void ApplyFrontMatter(const YAML::Node& fm, const std::string& path, int first_line, Article* a,
                      core::Diagnostics* diags) {
  static const std::vector<std::string> kKeys = {"title", "date", "byline", "author", "source_url", "url",
                                                 "publisher", "slug", "tags"};
  for (auto it = fm.begin(); it != fm.end(); ++it) {
    std::string key = it->first.Scalar();
    const YAML::Node v = it->second;  // a copy: it->second lives in a temporary proxy
    core::SourceLocation loc{path, first_line + it->first.Mark().line, it->first.Mark().column + 1};
    auto scalar = [&](std::string* out) {
      if (!v.IsScalar()) {
        diags->Warn(loc, "front matter key '" + key + "' must be a string; ignored");
        return false;
      }
      *out = CollapseWhitespace(v.Scalar());
      return true;
    };
    std::string s;
    if (key == "title") {
      if (scalar(&s) && !s.empty()) {
        a->title = s;
        a->title_derived = false;
      }
    } else if (key == "date") {
      if (scalar(&s)) {
        std::string iso = ParseDate(s);
        if (iso.empty() && !s.empty()) diags->Warn(loc, "front matter date '" + s + "' is not a date (use YYYY-MM-DD); ignored");
        else a->date = iso;
      }
    } else if (key == "byline" || key == "author") {
      if (scalar(&s)) a->byline = s;
    } else if (key == "source_url" || key == "url") {
      if (scalar(&s)) a->source_url = s;
    } else if (key == "publisher") {
      if (scalar(&s)) a->publisher = s;
    } else if (key == "slug") {
      if (scalar(&s)) {
        std::string slug = core::Slugify(s);
        if (slug != s) diags->Warn(loc, "front matter slug '" + s + "' is not a safe slug; using '" + slug + "'");
        a->slug = slug;
        a->slug_from_front_matter = true;
      }
    } else if (key == "tags") {
      if (v.IsSequence()) {
        for (const auto& t : v)
          if (t.IsScalar()) a->tags.push_back(CollapseWhitespace(t.Scalar()));
      } else if (scalar(&s)) {
        a->tags.push_back(s);
      }
    } else {
      std::string hint = core::DidYouMean(key, kKeys);
      diags->Warn(loc, "unknown front matter key '" + key + "'" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)") +
                           "; ignored");
    }
  }
}

}  // namespace

bool ParseArticle(std::string_view bytes, const std::string& rel_path, const std::string& path,
                  const IngestOptions& options, Article* a, core::Diagnostics* diags) {
  if (bytes.size() > options.max_file_bytes) {
    diags->Warn({path}, "skipped: " + std::to_string(bytes.size() >> 20) + " MiB is over the " +
                            std::to_string(options.max_file_bytes >> 20) + " MiB limit for one article (ingest.max_article_mb)");
    return false;
  }
  std::string text;
  if (!Decode(bytes, path, &text, diags)) return false;
  *a = Article();
  a->source_path = rel_path;
  size_t dot = rel_path.find_last_of('.');
  a->id = dot == std::string::npos ? rel_path : rel_path.substr(0, dot);
  a->content_hash = core::HashHex(text);

  std::string yaml;
  int body_line = 1;
  YAML::Node fm;
  if (SplitFrontMatter(&text, &yaml, &body_line)) {
    try {
      fm = YAML::Load(yaml);
    } catch (const YAML::Exception& e) {
      diags->Error({path, 2 + e.mark.line, e.mark.column + 1}, "malformed front matter: " + e.msg);
      return false;
    }
    if (!fm.IsNull() && !fm.IsMap()) {
      diags->Error({path, 2}, "front matter must be a mapping of keys to values");
      return false;
    }
  }

  std::vector<Block> blocks = SplitBlocks(core::SplitLines(DecodeEntities(text)));
  size_t bi = 0;
  // Title: a Markdown heading, or a first line that reads as a headline
  // (when more text follows), else derived from the lead sentence.
  if (bi < blocks.size()) {
    std::string first = blocks[bi].lines[0];
    if (StartsWith(first, "# ")) {
      a->title = CollapseWhitespace(StripInlineMarkdown(first.substr(2)));
      blocks[bi].lines.erase(blocks[bi].lines.begin());
      if (blocks[bi].lines.empty()) ++bi;
    } else if (LooksLikeHeadline(first) && (blocks[bi].lines.size() > 1 || bi + 1 < blocks.size())) {
      a->title = CollapseWhitespace(StripInlineMarkdown(first));
      blocks[bi].lines.erase(blocks[bi].lines.begin());
      if (blocks[bi].lines.empty()) ++bi;
    }
  }
  // Header zone: byline, date and photo credits among the first blocks.
  std::vector<std::string> body_blocks_text;
  size_t header_end = std::min(blocks.size(), bi + 6);
  bool in_footer_url = false;
  for (size_t i = bi; i < blocks.size(); ++i) {
    std::vector<std::string> kept;
    for (const auto& raw : blocks[i].lines) {
      std::string name, url;
      bool header = i < header_end;
      if (in_footer_url) {
        std::string u = ExtractUrl(raw);
        if (!u.empty() && a->source_url.empty()) a->source_url = u;
        in_footer_url = false;
        if (!u.empty()) continue;
      }
      std::string lower = core::ToLowerAscii(Trim(raw));
      if (StartsWith(lower, "original url:") || StartsWith(lower, "source url:") || StartsWith(lower, "original link:")) {
        std::string u = ExtractUrl(raw);
        if (u.empty()) in_footer_url = true;
        else if (a->source_url.empty()) a->source_url = u;
        continue;
      }
      Link link;
      if (header && a->byline.empty() && ParseByline(raw, &name, &url)) {
        a->byline = name;
        a->byline_url = url;
        continue;
      }
      if (header && a->date.empty() && raw.size() < 60) {
        std::string d = ParseDate(raw);
        if (!d.empty()) {
          a->date = d;
          continue;
        }
      }
      if (ParseRelatedLink(raw, &link)) {
        a->related_links.push_back(link);
        continue;
      }
      if (blocks[i].lines.size() == 1 && LooksLikeCredit(raw) && (header || i + 1 == blocks.size())) {
        a->credits.push_back(std::string(Trim(raw)));
        continue;
      }
      kept.push_back(raw);
    }
    if (kept.empty()) continue;
    Block b{kept};
    std::string joined;
    for (const auto& l : kept) joined += (joined.empty() ? "" : " ") + l;
    if (IsItalicBlock(joined)) {
      a->notes.push_back(CollapseWhitespace(StripInlineMarkdown(joined.substr(1, joined.size() - 2))));
      continue;
    }
    for (auto& p : BlockParagraphs(b)) {
      if (StartsWith(p, "#")) {
        size_t k = p.find_first_not_of('#');
        p = k == std::string::npos ? "" : p.substr(k);
      }
      std::string plain = CollapseWhitespace(StripInlineMarkdown(p));
      if (plain.empty()) continue;
      // A paragraph cut mid-sentence by a stray blank line continues here.
      if (!a->paragraphs.empty() && !EndsSentence(a->paragraphs.back()) && StartsLower(plain))
        a->paragraphs.back() += " " + plain;
      else
        a->paragraphs.push_back(plain);
    }
  }
  if (a->title.empty() && !a->paragraphs.empty()) {
    a->title = DeriveTitle(a->paragraphs[0]);
    a->title_derived = true;
  }
  if (fm.IsMap()) ApplyFrontMatter(fm, path, 2, a, diags);
  if (a->title.empty()) {
    diags->Warn({path}, "skipped: no text to make an article from");
    return false;
  }
  if (a->paragraphs.empty()) diags->Warn({path}, "article has a title but no body text");
  if (a->publisher.empty() && !a->source_url.empty()) a->publisher = PublisherFromUrl(a->source_url);
  if (a->slug.empty()) a->slug = core::Slugify(a->title, 60);
  (void)body_line;
  return true;
}

}  // namespace dossier::ingest
