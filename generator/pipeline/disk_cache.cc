// The BuildCache on disk (`.dossier-cache/`), so that `dossier build` in a
// new process redoes only what changed, like `serve` does in memory:
//
//   articles  seeds by file stamp (ingest::LoadCache) and the per-document
//             analysis by the document's text (analyse::AnalysisCache);
//             written right after the analysis.
//   pages     for every site file, the fingerprint of its view and the size
//             and hash of the bytes it rendered to (a page whose view is
//             unchanged is hard-linked from the previous site when that
//             file still has those bytes, and not rendered), the rendered
//             Markdown of the content pages, the briefing files known to
//             hold their page, and the gzip size of the search index;
//             written after the new site is in place.
//
// Every entry is keyed by what it was made from, so each file is valid on
// its own. A file is used only when it was written by this very
// executable (size and modification time) with the same fingerprint
// function, and its checksum matches; anything else is a cache miss (the
// build does everything, as the first one did), never an error.
#include <sys/stat.h>

#include "pipeline/pipeline_internal.h"

namespace dossier::pipeline {
namespace {

constexpr const char* kMagic = "DOSSIER-CACHE 1 ";

fs::path CacheDir(const BuildOptions& o) { return o.project_dir / ".dossier-cache"; }

// What a cache file must have been written by.
std::string Identity(const char* kind) {
  std::string id = std::string(kMagic) + kind + " " + DOSSIER_VERSION_STRING;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  struct stat st;
  if (ec || ::stat(exe.c_str(), &st) != 0) return "";  // unknown executable: no cache
  id += " " + std::to_string(st.st_size) + " " + std::to_string(st.st_mtim.tv_sec) + "." +
        std::to_string(st.st_mtim.tv_nsec) + " " + std::to_string(core::FingerprintProbe()) + "\n";
  return id;
}

uint64_t Checksum(std::string_view payload) { return core::Fingerprint().Add(payload).value(); }

// Reads a cache file; returns its payload, or false when it is missing,
// damaged or was written by another executable.
bool ReadCacheFile(const fs::path& path, const char* kind, std::string* text, std::string_view* payload) {
  std::string id = Identity(kind);
  if (id.empty() || !core::ReadFile(path, text).ok()) return false;
  if (text->size() < id.size() + 8 || text->compare(0, id.size(), id) != 0) return false;
  std::string_view rest(*text);
  rest.remove_prefix(id.size());
  uint64_t sum = 0;
  for (int i = 0; i < 8; ++i) sum |= static_cast<uint64_t>(static_cast<unsigned char>(rest[i])) << (8 * i);
  rest.remove_prefix(8);
  if (Checksum(rest) != sum) return false;
  *payload = rest;
  return true;
}

void WriteCacheFile(const fs::path& path, const char* kind, std::string_view payload) {
  std::string id = Identity(kind);
  if (id.empty()) return;
  uint64_t sum = Checksum(payload);
  char b[8];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<char>(sum >> (8 * i));
  core::AtomicFileWriter out(path);
  // A cache that cannot be written only makes the next build slower.
  if (!out.Open().ok()) return;
  out.Write(id);
  out.Write(std::string_view(b, 8));
  out.Write(payload);
  (void)out.Commit();
}

void PutDiagnostics(const core::Diagnostics& d, core::ByteWriter* w) {
  w->U64(d.items().size());
  for (const auto& x : d.items()) {
    w->Bool(x.severity == core::Severity::kError);
    w->Str(x.location.path);
    w->I64(x.location.line);
    w->I64(x.location.column);
    w->Str(x.message);
  }
}

core::Diagnostics GetDiagnostics(core::ByteReader* r) {
  core::Diagnostics d;
  size_t n = r->Count();
  for (size_t i = 0; i < n && r->ok(); ++i) {
    core::Diagnostic x;
    x.severity = r->Bool() ? core::Severity::kError : core::Severity::kWarning;
    x.location.path = r->Str();
    x.location.line = r->Int();
    x.location.column = r->Int();
    x.message = r->Str();
    d.Add(std::move(x));
  }
  return d;
}

void PutArticle(const ingest::Article& a, core::ByteWriter* w) {
  for (const std::string* s : {&a.id, &a.source_path, &a.slug, &a.title, &a.byline, &a.byline_url, &a.date,
                               &a.source_url, &a.publisher, &a.content_hash})
    w->Str(*s);
  w->Bool(a.title_derived);
  w->Bool(a.slug_from_front_matter);
  for (const auto* v : {&a.paragraphs, &a.notes, &a.credits, &a.tags}) w->Strs(*v);
  w->U64(a.related_links.size());
  for (const auto& l : a.related_links) {
    w->Str(l.text);
    w->Str(l.url);
  }
}

void GetArticle(core::ByteReader* r, ingest::Article* a) {
  for (std::string* s : {&a->id, &a->source_path, &a->slug, &a->title, &a->byline, &a->byline_url, &a->date,
                         &a->source_url, &a->publisher, &a->content_hash})
    *s = r->Str();
  a->title_derived = r->Bool();
  a->slug_from_front_matter = r->Bool();
  for (auto* v : {&a->paragraphs, &a->notes, &a->credits, &a->tags}) *v = r->Strs();
  size_t n = r->Count();
  for (size_t i = 0; i < n && r->ok(); ++i) {
    ingest::Link l;
    l.text = r->Str();
    l.url = r->Str();
    a->related_links.push_back(std::move(l));
  }
}

}  // namespace

void LoadArticleCache(const BuildOptions& o, BuildCache::Impl* cache) {
  std::string text;
  std::string_view payload;
  if (!ReadCacheFile(CacheDir(o) / "articles", "articles", &text, &payload)) return;
  core::ByteReader r(payload);
  ingest::LoadCache seeds;
  seeds.options_key = r.Str();
  size_t n = r.Count();
  for (size_t i = 0; i < n && r.ok(); ++i) {
    std::string rel = r.Str();
    ingest::LoadCache::Entry e;
    e.stamp = r.U64();
    e.display = r.Str();
    e.parsed = r.Bool();
    if (e.parsed) GetArticle(&r, &e.article);
    e.diagnostics = GetDiagnostics(&r);
    seeds.entries.emplace(std::move(rel), std::move(e));
  }
  if (!r.ok() || !cache->analysis.Import(&r) || !r.done()) {
    cache->seeds = ingest::LoadCache();
    cache->analysis.Clear();
    return;
  }
  cache->seeds = std::move(seeds);
}

void SaveArticleCache(const BuildOptions& o, const BuildCache::Impl& cache) {
  core::ByteWriter w;
  w.Str(cache.seeds.options_key);
  w.U64(cache.seeds.entries.size());
  for (const auto& [rel, e] : cache.seeds.entries) {
    w.Str(rel);
    w.U64(e.stamp);
    w.Str(e.display);
    w.Bool(e.parsed);
    if (e.parsed) PutArticle(e.article, &w);
    PutDiagnostics(e.diagnostics, &w);
  }
  cache.analysis.Export(&w);
  WriteCacheFile(CacheDir(o) / "articles", "articles", w.bytes());
}

void LoadPageCache(const BuildOptions& o, BuildCache::Impl* cache) {
  std::string text;
  std::string_view payload;
  if (!ReadCacheFile(CacheDir(o) / "pages", "pages", &text, &payload)) return;
  core::ByteReader r(payload);
  BuildCache::Impl::Disk disk;
  decltype(cache->rendered) rendered;
  size_t n = r.Count();
  for (size_t i = 0; i < n && r.ok(); ++i) {
    std::string path = r.Str();
    BuildCache::Impl::Rendered x;
    x.key = r.U64();
    x.file.hash = r.Str();
    x.size = r.U64();
    rendered.emplace(std::move(path), std::move(x));
  }
  decltype(cache->bodies) bodies;
  n = r.Count();
  for (size_t i = 0; i < n && r.ok(); ++i) {
    uint64_t key = r.U64();
    auto b = std::make_shared<BuildCache::Impl::Body>();
    b->md.html = r.Str();
    size_t h = r.Count();
    for (size_t k = 0; k < h && r.ok(); ++k) {
      markdown::Heading x;
      x.level = r.Int();
      x.id = r.Str();
      x.text = r.Str();
      b->md.toc.push_back(std::move(x));
    }
    b->search_text = r.Str();
    bodies.emplace(key, std::move(b));
  }
  decltype(cache->briefing_files) briefing_files;
  n = r.Count();
  for (size_t i = 0; i < n && r.ok(); ++i) {
    std::string rel = r.Str();
    uint64_t key = r.U64();
    uint64_t stamp = r.U64();
    briefing_files.emplace(std::move(rel), std::make_pair(key, stamp));
  }
  disk.search_key = r.U64();
  disk.search_gzip_bytes = r.U64();
  if (!r.done()) return;
  cache->rendered = std::move(rendered);
  cache->bodies = std::move(bodies);
  cache->briefing_files = std::move(briefing_files);
  cache->disk.search_key = disk.search_key;
  cache->disk.search_gzip_bytes = disk.search_gzip_bytes;
}

void SavePageCache(const BuildOptions& o, const BuildCache::Impl& cache) {
  core::ByteWriter w;
  w.U64(cache.rendered.size());
  for (const auto& [path, x] : cache.rendered) {
    w.Str(path);
    w.U64(x.key);
    w.Str(x.file.hash);
    w.U64(x.file.data ? x.file.data->size() : x.size);
  }
  w.U64(cache.bodies.size());
  for (const auto& [key, b] : cache.bodies) {
    w.U64(key);
    w.Str(b->md.html);
    w.U64(b->md.toc.size());
    for (const auto& h : b->md.toc) {
      w.I64(h.level);
      w.Str(h.id);
      w.Str(h.text);
    }
    w.Str(b->search_text);
  }
  w.U64(cache.briefing_files.size());
  for (const auto& [rel, ks] : cache.briefing_files) {
    w.Str(rel);
    w.U64(ks.first);
    w.U64(ks.second);
  }
  w.U64(cache.disk.search_key);
  w.U64(cache.disk.search_gzip_bytes);
  WriteCacheFile(CacheDir(o) / "pages", "pages", w.bytes());
}

}  // namespace dossier::pipeline
