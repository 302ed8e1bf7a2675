// content/: writing generated briefings (never over a hand edit) and
// reading every page back for rendering.
#include <algorithm>
#include <atomic>

#include "pipeline/pipeline_internal.h"

namespace dossier::pipeline {

using core::Status;

namespace {
constexpr const char* kManifestHeader = "This folder is written by Dossier and replaced on every build.\n";
std::string Fingerprint(std::string_view data) { return std::to_string(data.size()) + " " + core::ContentHashHex(data); }
}  // namespace

BuildCache::BuildCache() : impl_(std::make_unique<Impl>()) {}
BuildCache::~BuildCache() = default;

SiteWriter::SiteWriter(fs::path root, MemorySite* memory, fs::path previous)
    : root_(std::move(root)), memory_(memory), previous_(std::move(previous)) {
  std::string text;
  if (previous_.empty() || !core::ReadFile(previous_ / ".dossier-site", &text).ok()) return;
  for (const auto& line : core::SplitLines(text)) {
    // "<size> <hash> <path>"
    size_t a = line.find(' '), b = a == std::string::npos ? a : line.find(' ', a + 1);
    if (b != std::string::npos) previous_manifest_[line.substr(b + 1)] = line.substr(0, b);
  }
}

Status SiteWriter::Finish() {
  // A site in memory (serve) is never linked from, so it has no manifest.
  if (memory_) return Status::Ok();
  std::string text = kManifestHeader;
  for (const auto& [path, fp] : manifest_) text += fp + " " + path + "\n";
  return core::WriteFile(root_ / ".dossier-site", text);
}

SiteFile SiteWriter::MakeFile(std::string data) {
  SiteFile f;
  f.hash = core::ContentHashHex(data);
  f.data = std::make_shared<const std::string>(std::move(data));
  return f;
}

Status SiteWriter::Write(const std::string& rel, std::string_view data) { return Store(rel, data, nullptr); }

Status SiteWriter::Put(const std::string& rel, const SiteFile& file) { return Store(rel, file.text(), &file); }

Status SiteWriter::WriteHashed(const std::string& rel, std::string_view data, const std::string& hash) {
  if (memory_) return Store(rel, data, nullptr);
  SiteFile f;  // Store reads only the hash on disk
  f.hash = hash;
  return Store(rel, data, &f);
}

bool SiteWriter::Resolve(const std::string& rel, fs::path* p, std::string* key) const {
  *p = (root_ / rel).lexically_normal();
  if (rel.empty() || fs::path(rel).is_absolute() || !core::IsInside(*p, root_)) return false;
  *key = core::GenericString(p->lexically_relative(root_));
  return true;
}

bool SiteWriter::LinkPrevious(const fs::path& p, const std::string& key, const std::string& fp) {
  auto old = previous_manifest_.find(key);
  if (old == previous_manifest_.end() || old->second != fp) return false;
  return core::LinkNewFile(previous_ / key, p);
}

void SiteWriter::Record(const std::string& rel, const std::string& key, std::string fp) {
  std::lock_guard<std::mutex> lock(mutex_);
  written_.push_back(rel);
  if (memory_ == nullptr) manifest_[key] = std::move(fp);
}

Status SiteWriter::Store(const std::string& rel, std::string_view data, const SiteFile* file) {
  fs::path p;
  std::string key;
  if (!Resolve(rel, &p, &key)) return Status::Internal("refusing to write outside the output folder: " + rel);
  if (memory_) {
    SiteFile f = file ? *file : MakeFile(std::string(data));
    {
      std::lock_guard<std::mutex> lock(mutex_);
      (*memory_)[key] = std::move(f);
    }
    Record(rel, key, {});
    return Status::Ok();
  }
  std::string fp = file ? std::to_string(data.size()) + " " + file->hash : Fingerprint(data);
  if (!LinkPrevious(p, key, fp)) {
    // A new file: never written through a link shared with the old site.
    Status st = core::WriteNewFile(p, data);
    if (!st.ok()) return st;
  }
  Record(rel, key, std::move(fp));
  return Status::Ok();
}

Status SiteWriter::Create(const std::string& rel, int* fd) {
  fs::path p;
  std::string key;
  if (memory_ != nullptr) return Status::Internal("no file to open for a site in memory: " + rel);
  if (!Resolve(rel, &p, &key)) return Status::Internal("refusing to write outside the output folder: " + rel);
  return core::OpenNewFile(p, fd);
}

void SiteWriter::Written(const std::string& rel, uint64_t size, const std::string& hash) {
  fs::path p;
  std::string key;
  if (Resolve(rel, &p, &key)) Record(rel, key, std::to_string(size) + " " + hash);
}

bool SiteWriter::Reuse(const std::string& rel, uint64_t size, const std::string& hash) {
  fs::path p;
  std::string key;
  if (memory_ != nullptr || hash.empty() || !Resolve(rel, &p, &key)) return false;
  std::string fp = std::to_string(size) + " " + hash;
  if (!LinkPrevious(p, key, fp)) return false;
  Record(rel, key, std::move(fp));
  return true;
}

Status SiteWriter::Copy(const std::string& rel, const fs::path& from) {
  std::string data;
  Status st = core::ReadFile(from, &data);
  if (!st.ok()) return st;
  return Write(rel, data);
}

Status WriteBriefings(const fs::path& content_dir, std::vector<compose::Page>* pages, bool force, BuildReport* report,
                      core::Diagnostics* diags, std::map<std::string, compose::Page>* current,
                      const std::vector<uint64_t>* keys, BuildCache::Impl* cache) {
  std::error_code ec;
  fs::path dir = content_dir / "briefings";
  fs::create_directories(dir, ec);
  if (ec) return Status::Io("cannot create folder: " + ec.message(), {core::GenericString(dir)});
  std::set<std::string> live;
  for (const auto& page : *pages) live.insert(fs::path(page.rel_path).filename().string());
  // Each page: serialise, compare with the file, write unless it is the
  // user's. Pages are independent, so this runs on all cores; diagnostics
  // are sorted before printing, so their order does not depend on threads.
  std::mutex mutex;
  std::vector<char> keep(pages->size(), 1);
  std::atomic<size_t> written{0}, kept{0};
  if (keys == nullptr || force) cache = nullptr;
  std::vector<uint64_t> stamps(cache ? pages->size() : 0, 0);  // 0: not known to hold its page
  Status st = ParallelFor(pages->size(), 0, [&](size_t i) -> Status {
    const compose::Page& page = (*pages)[i];
    fs::path file = content_dir / page.rel_path;
    if (cache != nullptr) {
      uint64_t stamp = core::FileStamp(file);
      auto it = cache->briefing_files.find(page.rel_path);
      if (stamp != 0 && it != cache->briefing_files.end() && it->second == std::make_pair((*keys)[i], stamp)) {
        stamps[i] = stamp;  // holds this very page, untouched since
        return Status::Ok();
      }
    }
    std::string display = core::GenericString(file);
    std::string text = compose::Serialize(page, true);
    std::string old;
    std::error_code fec;
    bool exists = fs::exists(file, fec) && core::ReadFile(file, &old).ok();
    if (exists && old != text) {
      compose::FileState state = compose::ClassifyFile(old);
      if (state != compose::FileState::kGenerated && !force) {
        std::lock_guard<std::mutex> lock(mutex);
        diags->Warn({display}, std::string(state == compose::FileState::kHandEdited ? "edited by hand" : "not written by Dossier") +
                                   "; kept as it is (run 'dossier build --force' to regenerate it, a backup is kept)");
        ++kept;
        keep[i] = 0;
        return Status::Ok();
      }
      if (state != compose::FileState::kGenerated) {
        Status bst = core::WriteFileAtomic(fs::path(display + ".bak"), old);
        if (!bst.ok()) return bst;
        std::lock_guard<std::mutex> lock(mutex);
        diags->Warn({display}, "hand edits replaced by --force; previous version saved as " + display + ".bak");
      }
    }
    if (!exists || old != text) {
      Status wst = core::WriteFileAtomic(file, text);
      if (!wst.ok()) return wst;
      ++written;
    }
    if (cache != nullptr) stamps[i] = core::FileStamp(file);
    return Status::Ok();
  });
  if (cache != nullptr) {
    cache->briefing_files.clear();
    for (size_t i = 0; i < pages->size(); ++i)
      if (stamps[i] != 0 && keep[i]) cache->briefing_files[(*pages)[i].rel_path] = {(*keys)[i], stamps[i]};
  }
  report->briefings_written += written;
  report->briefings_kept += kept;
  if (!st.ok()) return st;
  for (size_t i = 0; i < pages->size(); ++i)
    if (keep[i]) (*current)[(*pages)[i].rel_path] = std::move((*pages)[i]);
  // Generated briefings whose seed is gone are removed; hand-edited ones stay.
  std::vector<fs::path> stale;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_regular_file() && e.path().extension() == ".md" && !live.count(e.path().filename().string()))
      stale.push_back(e.path());
  std::sort(stale.begin(), stale.end());
  for (const auto& f : stale) {
    std::string text;
    if (!core::ReadFile(f, &text).ok()) continue;
    if (compose::ClassifyFile(text) == compose::FileState::kGenerated) fs::remove(f, ec);
  }
  return Status::Ok();
}

void LoadContent(const fs::path& content_dir, std::map<std::string, compose::Page> current, std::vector<SitePage>* pages,
                 compose::Page* home_intro, core::Diagnostics* diags) {
  std::error_code ec;
  std::vector<std::string> files;
  for (fs::recursive_directory_iterator it(content_dir, ec), end; it != end; it.increment(ec)) {
    if (ec) break;
    std::string name = it->path().filename().string();
    if (!name.empty() && name[0] == '.') {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file() && it->path().extension() == ".md")
      files.push_back(core::GenericString(it->path().lexically_relative(content_dir)));
  }
  std::sort(files.begin(), files.end());
  std::set<std::string> out_paths;
  for (const auto& rel : files) {
    SitePage sp;
    auto cur = current.find(rel);
    if (cur != current.end()) {
      sp.page = std::move(cur->second);
    } else {
      std::string text, display = core::GenericString(content_dir / rel);
      Status st = core::ReadFile(content_dir / rel, &text);
      if (st.ok()) st = compose::ParsePage(text, display, &sp.page);
      if (!st.ok()) {
        diags->Error(st.location().path.empty() ? core::SourceLocation{display} : st.location(),
                     st.message() + "; page skipped");
        continue;
      }
      sp.page.rel_path = rel;
      sp.page.is_briefing = core::StartsWith(rel, "briefings/");
    }
    std::string stem = rel.substr(0, rel.size() - 3);
    if (stem == "_index" || stem == "index") {
      *home_intro = std::move(sp.page);
      continue;
    }
    // Output path: every component made safe; briefings by their slug.
    std::string out;
    if (sp.page.is_briefing) {
      if (sp.page.slug.empty()) sp.page.slug = core::Slugify(fs::path(rel).stem().string());
      out = "briefings/" + sp.page.slug + ".html";
    } else {
      for (const auto& part : fs::path(stem)) out += (out.empty() ? "" : "/") + core::Slugify(part.string());
      out += ".html";
      if (sp.page.slug.empty()) sp.page.slug = core::Slugify(fs::path(stem).filename().string());
    }
    if (sp.page.title.empty()) sp.page.title = sp.page.slug;
    if (!out_paths.insert(out).second) {
      diags->Warn({core::GenericString(content_dir / rel)}, "skipped: another page already renders to " + out);
      continue;
    }
    sp.out_path = out;
    pages->push_back(std::move(sp));
  }
}

Status ParallelFor(size_t n, int threads, const std::function<Status(size_t)>& fn) {
  std::vector<Status> results(n);
  core::ParallelFor(n, threads,
                    [&](size_t i) { results[i] = core::InterruptRequested() ? core::Interrupted() : fn(i); });
  for (auto& r : results)
    if (!r.ok()) return r;
  return Status::Ok();
}

std::string RootPrefix(const std::string& site_path) {
  std::string r;
  for (char c : site_path)
    if (c == '/') r += "../";
  return r;
}

}  // namespace dossier::pipeline
