#include <algorithm>
#include <map>
#include <regex>
#include <set>

#include "ingest/ingest.h"

namespace dossier::ingest {
namespace {
namespace fs = std::filesystem;

bool IsArticleFile(const fs::path& p) {
  std::string ext = core::ToLowerAscii(p.extension().string());
  return ext == ".txt" || ext == ".md" || ext == ".markdown";
}

}  // namespace

std::string ParseDate(std::string_view text) {
  static const char* kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
  static const std::regex kIso(R"(^\s*(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.+Z-]*)?\s*$)");
  static const std::regex kMdy(R"(^\s*(?:[A-Za-z]+,?\s+)?([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\s*$)");
  static const std::regex kDmy(R"(^\s*(?:[A-Za-z]+,?\s+)?(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})\s*$)");
  std::string s(core::Trim(text));
  if (s.size() > 48) return "";
  std::smatch m;
  int y = 0, mo = 0, d = 0;
  auto month = [&](const std::string& name) {
    std::string l = core::ToLowerAscii(name);
    for (int i = 0; i < 12; ++i)
      if (l.size() >= 3 && l.compare(0, 3, kMonths[i]) == 0) return i + 1;
    return 0;
  };
  if (std::regex_match(s, m, kIso)) {
    y = std::stoi(m[1]);
    mo = std::stoi(m[2]);
    d = std::stoi(m[3]);
  } else if (std::regex_match(s, m, kMdy)) {
    mo = month(m[1]);
    d = std::stoi(m[2]);
    y = std::stoi(m[3]);
  } else if (std::regex_match(s, m, kDmy)) {
    d = std::stoi(m[1]);
    mo = month(m[2]);
    y = std::stoi(m[3]);
  } else {
    return "";
  }
  static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (mo < 1 || mo > 12 || d < 1 || d > kDays[mo - 1] || y < 1000 || y > 9999) return "";
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (mo == 2 && d == 29 && !leap) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, mo, d);
  return buf;
}

std::string PublisherFromUrl(const std::string& url) {
  static const std::map<std::string, std::string> kKnown = {
      {"themoscowtimes.com", "The Moscow Times"}, {"bbc.co.uk", "BBC News"}, {"bbc.com", "BBC News"},
      {"news.bbc.co.uk", "BBC News"}, {"chinadaily.com.cn", "China Daily"}, {"carnegie.ru", "Carnegie Moscow Center"},
      {"carnegiemoscow.org", "Carnegie Moscow Center"}, {"reuters.com", "Reuters"}, {"apnews.com", "Associated Press"},
      {"theguardian.com", "The Guardian"}, {"nytimes.com", "The New York Times"}, {"ft.com", "Financial Times"},
      {"washingtonpost.com", "The Washington Post"}, {"globaltimes.cn", "Global Times"}, {"tass.com", "TASS"},
      {"xinhuanet.com", "Xinhua"}, {"scmp.com", "South China Morning Post"}, {"aljazeera.com", "Al Jazeera"}};
  size_t start = url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  size_t end = url.find_first_of("/?#:", start);
  std::string host = core::ToLowerAscii(url.substr(start, end == std::string::npos ? std::string::npos : end - start));
  size_t at = host.find('@');
  if (at != std::string::npos) host = host.substr(at + 1);
  if (core::StartsWith(host, "www.")) host = host.substr(4);
  for (std::string h = host; !h.empty();) {
    auto it = kKnown.find(h);
    if (it != kKnown.end()) return it->second;
    size_t dot = h.find('.');
    if (dot == std::string::npos || h.find('.', dot + 1) == std::string::npos) break;
    h = h.substr(dot + 1);
  }
  return host;
}

void AssignUniqueSlugs(std::vector<Article>* articles) {
  std::set<std::string> used;
  std::map<std::string, int> next;
  // Front-matter slugs are the user's choice: they claim their slug first.
  for (int pass = 0; pass < 2; ++pass) {
    for (auto& a : *articles) {
      if (a.slug_from_front_matter != (pass == 0)) continue;
      std::string base = a.slug.empty() ? "untitled" : a.slug;
      std::string slug = base;
      for (int n = next.count(base) ? next[base] : 2; used.count(slug); ++n) {
        slug = base + "-" + std::to_string(n);
        next[base] = n + 1;
      }
      used.insert(slug);
      a.slug = slug;
    }
  }
}

namespace {

// Reads and parses one file: false when it is skipped (with a message).
bool LoadOne(const fs::path& abs, const std::string& rel, const std::string& display, const IngestOptions& options,
             Article* a, core::Diagnostics* diagnostics) {
  std::error_code ec;
  std::string bytes;
  uintmax_t size = fs::file_size(abs, ec);
  if (!ec && size > options.max_file_bytes) {
    diagnostics->Warn({display}, "skipped: " + std::to_string(size >> 20) + " MiB is over the " +
                                     std::to_string(options.max_file_bytes >> 20) +
                                     " MiB limit for one article (ingest.max_article_mb)");
    return false;
  }
  core::Status st = core::ReadFile(abs, &bytes);
  if (!st.ok()) {
    diagnostics->Warn({display}, "skipped: " + st.message());
    return false;
  }
  return ParseArticle(bytes, rel, display, options, a, diagnostics);
}

}  // namespace

core::Status LoadArticles(const fs::path& seeds_dir, const IngestOptions& options, std::vector<Article>* articles,
                          core::Diagnostics* diagnostics, LoadCache* cache) {
  std::error_code ec;
  if (!fs::is_directory(seeds_dir, ec))
    return core::Status::NotFound("seeds folder not found (use --seeds DIR)", {core::GenericString(seeds_dir)});
  fs::path root = fs::canonical(seeds_dir, ec);
  std::vector<std::pair<std::string, fs::path>> files;  // rel path, absolute path
  fs::recursive_directory_iterator it(seeds_dir, fs::directory_options::skip_permission_denied, ec), end;
  if (ec) return core::Status::Io("cannot list seeds folder: " + ec.message(), {core::GenericString(seeds_dir)});
  for (; it != end; it.increment(ec)) {
    if (ec) {
      diagnostics->Warn({core::GenericString(seeds_dir)}, "cannot list a folder: " + ec.message());
      break;
    }
    const fs::path& p = it->path();
    std::string name = p.filename().string();
    if (!name.empty() && name[0] == '.') {
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    const bool link = it->is_symlink(ec);
    if (link) {
      fs::path target = fs::canonical(p, ec);
      if (ec || !core::IsInside(target, root)) {
        diagnostics->Warn({core::GenericString(p)}, "skipped: symbolic link points outside the seeds folder");
        if (it->is_directory(ec)) it.disable_recursion_pending();
        continue;
      }
      if (fs::is_directory(target, ec)) {
        diagnostics->Warn({core::GenericString(p)}, "skipped: symbolic link to a folder is not followed");
        continue;
      }
    }
    // The entry's own type (from the directory listing, no stat) unless it
    // is a link, whose target was checked above.
    const bool regular = link ? fs::is_regular_file(p, ec) : it->is_regular_file(ec);
    if (!regular || !IsArticleFile(p)) continue;
    files.emplace_back(core::GenericString(p.lexically_relative(seeds_dir)), p);
  }
  std::sort(files.begin(), files.end());
  std::map<std::string, std::string> id_owner;
  std::string options_key = std::to_string(options.max_file_bytes) + " " + core::GenericString(seeds_dir);
  if (cache != nullptr && cache->options_key != options_key) {
    cache->entries.clear();
    cache->options_key = options_key;
  }
  // Stamping (with a cache), reading and parsing run on every core, each
  // file in its own slot: an unchanged file's entry is moved out of the
  // cache, and a copy of its article made for the build. What follows runs
  // in file order, so messages, ids and the output do not depend on the
  // threads.
  std::vector<LoadCache::Entry> entries(files.size());
  std::vector<Article> copies(cache != nullptr ? files.size() : 0);
  core::ParallelFor(files.size(), 0, [&](size_t i) {
    if (core::InterruptRequested()) return;
    const auto& [rel, abs] = files[i];
    LoadCache::Entry& e = entries[i];
    e.display = core::GenericString(seeds_dir / rel);
    if (cache != nullptr) {
      e.stamp = core::FileStamp(abs);
      auto it = cache->entries.find(rel);
      if (e.stamp != 0 && it != cache->entries.end() && it->second.stamp == e.stamp &&
          it->second.display == e.display) {
        e = std::move(it->second);
      } else {
        e.parsed = LoadOne(abs, rel, e.display, options, &e.article, &e.diagnostics);
      }
      if (e.parsed) copies[i] = e.article;
    } else {
      e.parsed = LoadOne(abs, rel, e.display, options, &e.article, &e.diagnostics);
    }
  });
  if (core::InterruptRequested()) return core::Interrupted();
  std::map<std::string, LoadCache::Entry> next;
  for (size_t i = 0; i < files.size(); ++i) {
    const std::string& rel = files[i].first;
    LoadCache::Entry& e = entries[i];
    diagnostics->Append(e.diagnostics);
    if (e.parsed) {
      Article& a = cache != nullptr ? copies[i] : e.article;
      auto [pos, inserted] = id_owner.emplace(a.id, rel);
      if (inserted) {
        articles->push_back(std::move(a));
      } else {
        diagnostics->Warn({e.display}, "skipped: same id '" + a.id + "' as " + pos->second + " (rename one of them)");
      }
    }
    if (cache != nullptr) next.emplace(rel, std::move(e));
  }
  if (cache != nullptr) cache->entries = std::move(next);
  std::sort(articles->begin(), articles->end(), [](const Article& x, const Article& y) { return x.id < y.id; });
  AssignUniqueSlugs(articles);
  return core::Status::Ok();
}

}  // namespace dossier::ingest
