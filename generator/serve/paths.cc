// Request-path normalisation and confinement, MIME types, small predicates.
#include <algorithm>
#include <array>

#include "serve/serve.h"

namespace dossier::serve {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsControl(unsigned char c) { return c < 0x20 || c == 0x7f; }

ResolvedPath Bad(std::string reason) {
  ResolvedPath r;
  r.verdict = PathVerdict::kBadRequest;
  r.reason = std::move(reason);
  return r;
}

// Splits on '/' and checks each segment; `path` starts with '/'.
bool SegmentsOk(std::string_view path, std::string* reason) {
  size_t i = 1;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view seg = path.substr(i, j - i);
    if (seg.empty() && j != path.size()) {
      *reason = "empty path segment";
      return false;
    }
    if (seg == "." || seg == "..") {
      *reason = "dot segment";
      return false;
    }
    i = j + 1;
  }
  return true;
}

}  // namespace

const char* ChangeKindName(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::kSeed: return "seed";
    case ChangeKind::kContent: return "content";
    case ChangeKind::kTheme: return "theme";
    case ChangeKind::kConfig: return "config";
  }
  return "?";
}

bool NormalizeBasePath(std::string_view in, std::string* out, std::string* error) {
  std::string p(core::Trim(in));
  if (p.empty() || p == "/") {
    *out = "/";
    return true;
  }
  for (unsigned char c : p) {
    if (IsControl(c) || c == '%' || c == '?' || c == '#' || c == '\\' || c == ' ') {
      *error = "the base path may not contain spaces, '%', '?', '#', '\\' or control characters";
      return false;
    }
  }
  if (p.front() != '/') p.insert(p.begin(), '/');
  if (p.back() != '/') p.push_back('/');
  std::string reason;
  if (!SegmentsOk(std::string_view(p).substr(0, p.size() - 1), &reason) || !core::IsValidUtf8(p)) {
    *error = "the base path must be a plain path like /sub/ (" + (reason.empty() ? "invalid UTF-8" : reason) + ")";
    return false;
  }
  *out = p;
  return true;
}

ResolvedPath ResolveRequestPath(std::string_view target, std::string_view base) {
  // Origin-form only: "/path?query". The query and a (never sent) fragment go.
  size_t end = target.find_first_of("?#");
  std::string_view raw = target.substr(0, end);
  if (raw.size() > kMaxPathBytes) return Bad("path longer than " + std::to_string(kMaxPathBytes) + " bytes");
  if (raw.empty() || raw.front() != '/') return Bad("not an absolute path");
  std::string path;
  path.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(raw[i]);
    if (c == '\\') return Bad("backslash");
    if (IsControl(c)) return Bad("control character");
    if (c != '%') {
      path.push_back(static_cast<char>(c));
      continue;
    }
    int hi = i + 2 < raw.size() ? HexValue(raw[i + 1]) : -1;
    int lo = i + 2 < raw.size() ? HexValue(raw[i + 2]) : -1;
    if (hi < 0 || lo < 0) return Bad("malformed percent escape");
    unsigned char d = static_cast<unsigned char>(hi * 16 + lo);
    if (d == '/') return Bad("encoded slash");
    if (d == '\\') return Bad("encoded backslash");
    if (IsControl(d)) return Bad("encoded control character");
    path.push_back(static_cast<char>(d));  // decoded once: "%252e" stays "%2e"
    i += 2;
  }
  if (!core::IsValidUtf8(path)) return Bad("invalid UTF-8");
  std::string reason;
  if (!SegmentsOk(path, &reason)) return Bad(reason);

  ResolvedPath r;
  // Outside the base path: "/" and "/sub" redirect to "/sub/", the rest is 404.
  if (!core::StartsWith(path, base)) {
    if (path == "/" || path + "/" == base) {
      r.verdict = PathVerdict::kRedirect;
      r.location = std::string(base);
    } else {
      r.verdict = PathVerdict::kNotFound;
    }
    return r;
  }
  std::string rel = path.substr(base.size());
  if (rel == kEventsPath || core::EndsWith(rel, "/" + std::string(kEventsPath))) {
    r.verdict = PathVerdict::kEvents;
    return r;
  }
  r.verdict = PathVerdict::kFile;
  if (rel.empty() || rel.back() == '/') {
    r.directory = true;
    r.key = rel + "index.html";
  } else {
    r.key = rel;
  }
  return r;
}

std::string MimeTypeFor(std::string_view path) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 28> kTypes{{
      {"html", "text/html; charset=utf-8"},
      {"htm", "text/html; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"},
      {"json", "application/json"},
      {"map", "application/json"},
      {"webmanifest", "application/manifest+json"},
      {"xml", "application/xml; charset=utf-8"},
      {"atom", "application/atom+xml"},
      {"rss", "application/rss+xml"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"gif", "image/gif"},
      {"webp", "image/webp"},
      {"avif", "image/avif"},
      {"ico", "image/x-icon"},
      {"txt", "text/plain; charset=utf-8"},
      {"md", "text/markdown; charset=utf-8"},
      {"csv", "text/csv; charset=utf-8"},
      {"woff2", "font/woff2"},
      {"woff", "font/woff"},
      {"ttf", "font/ttf"},
      {"otf", "font/otf"},
      {"pdf", "application/pdf"},
      {"wasm", "application/wasm"},
  }};
  size_t slash = path.rfind('/');
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return "application/octet-stream";
  std::string ext = core::ToLowerAscii(name.substr(dot + 1));
  for (const auto& [e, type] : kTypes)
    if (e == ext) return std::string(type);
  return "application/octet-stream";
}

bool IsLoopbackHost(std::string_view host) {
  if (host == "localhost" || host == "::1" || host == "[::1]") return true;
  if (!core::StartsWith(host, "127.")) return false;
  // 127.a.b.c with numeric parts.
  int dots = 0;
  for (char c : host) {
    if (c == '.') ++dots;
    else if (c < '0' || c > '9') return false;
  }
  return dots == 3;
}

bool IsIgnoredFileName(std::string_view name) {
  if (name.empty()) return false;
  if (name.front() == '.') return true;  // hidden (also ".#x" lock files, ".x.swp")
  if (name.back() == '~') return true;   // emacs, vim backups
  if (name.front() == '#' && name.back() == '#') return true;  // emacs autosave
  if (name == "4913") return true;       // vim's write probe
  if (name.find(".dossier-tmp-") != std::string_view::npos) return true;  // core::WriteFileAtomic
  std::string lower = core::ToLowerAscii(name);
  for (std::string_view suffix : {".swp", ".swo", ".swx", ".tmp", ".part", ".crdownload", ".kate-swp"})
    if (core::EndsWith(lower, suffix)) return true;
  return false;
}

std::string RebaseRelativeUrls(std::string_view html, size_t depth) {
  if (depth == 0) return std::string(html);
  std::string prefix;
  for (size_t i = 0; i < depth; ++i) prefix += "../";
  static constexpr std::string_view kAttrs[] = {" href=\"", " src=\"", " action=\"", " data-root=\""};
  std::string out;
  out.reserve(html.size() + 256);
  size_t pos = 0;
  while (pos < html.size()) {
    // The nearest attribute of any of the four kinds.
    size_t best = std::string_view::npos, best_len = 0;
    for (std::string_view a : kAttrs) {
      size_t at = html.find(a, pos);
      if (at < best) {
        best = at;
        best_len = a.size();
      }
    }
    if (best == std::string_view::npos) break;
    const size_t value = best + best_len;
    out.append(html.substr(pos, value - pos));
    const size_t end = html.find('"', value);
    if (end == std::string_view::npos) {
      pos = value;
      break;
    }
    std::string_view v = html.substr(value, end - value);
    size_t colon = v.find(':');
    bool has_scheme = colon != std::string_view::npos && v.find_first_of("/?#") > colon;
    bool relative = !has_scheme && (v.empty() ? html.substr(best, best_len) == " data-root=\""
                                              : (v[0] != '#' && v[0] != '/'));
    if (relative) out += prefix;
    out.append(v);
    pos = end;
  }
  out.append(html.substr(std::min(pos, html.size())));
  return out;
}

}  // namespace dossier::serve
