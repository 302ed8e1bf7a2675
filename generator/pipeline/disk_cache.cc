// The BuildCache on disk (`.dossier-cache/`), so that `dossier build` in a
// new process redoes only what changed, like `serve` does in memory:
//
//   articles  seeds by file stamp (ingest::LoadCache) and the per-document
//             analysis by the document's text (analyse::AnalysisCache, in
//             its export-only mode); written on a helper thread as soon
//             as the per-document analysis is known.
//   pages     for every site file, the fingerprint of its view and the size
//             and hash of the bytes it rendered to (a page whose view is
//             unchanged is hard-linked from the previous site when that
//             file still has those bytes, and not rendered), the search
//             text and headings of the content pages' Markdown (not their
//             HTML: it is rendered again for a page that is), the briefing
//             files known to hold their page, and the gzip size of the
//             search index; written after the new site is in place.
//
// Every entry is keyed by what it was made from, so each file is valid on
// its own. A file is used only when it was written by this very
// executable (size and modification time) with the same fingerprint
// function, and its sections and checksum are intact; anything else is a
// cache miss (the build does everything, as the first one did), never an
// error. Neither file keeps a second in-memory copy of what it caches: the
// seeds are kept as bytes right after ingest, the analysis hands its
// entries over, and files are written one section at a time.
#include "pipeline/pipeline_internal.h"

namespace dossier::pipeline {
namespace {

constexpr const char* kMagic = "DOSSIER-CACHE 2 ";

fs::path CacheDir(const BuildOptions& o) { return o.project_dir / ".dossier-cache"; }

// What a cache file must have been written by: this executable (path,
// size, modification time), with this fingerprint function.
std::string Identity(const char* kind) {
  std::string exe = ExecutableStamp();
  if (exe.empty()) return "";  // unknown executable: no cache
  return std::string(kMagic) + kind + " " + DOSSIER_VERSION_STRING + " " +
         std::to_string(core::FingerprintProbe()) + " " + exe;
}

// A cache file: the identity line, then sections (8-byte length + bytes),
// then a checksum of the sections. Sections are written one by one, so a
// writer holds one section in memory at a time.
class CacheFileWriter {
 public:
  CacheFileWriter(const fs::path& path, const char* kind) : out_(path) {
    std::string id = Identity(kind);
    ok_ = !id.empty() && out_.Open().ok() && out_.Write(id);
  }
  void Section(std::string_view bytes) {
    core::ByteWriter len;
    len.Fixed64(bytes.size());
    sum_.Add(bytes);
    ok_ = ok_ && out_.Write(len.bytes()) && out_.Write(bytes);
  }
  // A cache that cannot be written only makes the next build slower.
  void Commit() {
    core::ByteWriter sum;
    sum.Fixed64(sum_.value());
    if (ok_ && out_.Write(sum.bytes())) (void)out_.Commit();
  }

 private:
  core::AtomicFileWriter out_;
  core::Fingerprint sum_;
  bool ok_ = false;
};

// Reads a cache file into `text`; false when it is missing, damaged or was
// written by another executable.
bool ReadCacheFile(const fs::path& path, const char* kind, size_t count, std::string* text,
                   std::vector<std::string_view>* sections) {
  std::string id = Identity(kind);
  if (id.empty() || !core::ReadFile(path, text).ok()) return false;
  if (text->size() < id.size() || text->compare(0, id.size(), id) != 0) return false;
  core::ByteReader r(std::string_view(*text).substr(id.size()));
  core::Fingerprint sum;
  sections->clear();
  for (size_t i = 0; i < count && r.ok(); ++i) {
    sections->push_back(r.View(r.Fixed64()));
    sum.Add(sections->back());
  }
  uint64_t recorded = r.Fixed64();
  return r.done() && recorded == sum.value();
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

std::string ExportSeeds(const ingest::LoadCache& seeds) {
  core::ByteWriter w;
  w.Str(seeds.options_key);
  w.U64(seeds.entries.size());
  for (const auto& [rel, e] : seeds.entries) {
    w.Str(rel);
    w.U64(e.stamp);
    w.Str(e.display);
    w.Bool(e.parsed);
    if (e.parsed) PutArticle(e.article, &w);
    PutDiagnostics(e.diagnostics, &w);
  }
  return std::move(w.bytes());
}

void LoadArticleCache(const BuildOptions& o, BuildCache::Impl* cache) {
  std::string text;
  std::vector<std::string_view> sections;
  if (!ReadCacheFile(CacheDir(o) / "articles", "articles", 2, &text, &sections)) return;
  core::ByteReader r(sections[0]);
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
  core::ByteReader a(sections[1]);
  if (!r.done() || !cache->analysis.Import(&a) || !a.done()) {
    cache->analysis.Clear();
    return;
  }
  cache->seeds = std::move(seeds);
}

void SaveArticleCache(const BuildOptions& o, std::string_view seeds, std::string_view analysis) {
  CacheFileWriter out(CacheDir(o) / "articles", "articles");
  out.Section(seeds);
  out.Section(analysis);
  out.Commit();
}

void LoadPageCache(const BuildOptions& o, BuildCache::Impl* cache) {
  std::string text;
  std::vector<std::string_view> sections;
  if (!ReadCacheFile(CacheDir(o) / "pages", "pages", 3, &text, &sections)) return;
  core::ByteReader r(sections[0]);
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
  core::ByteReader b(sections[1]);
  decltype(cache->bodies) bodies;
  n = b.Count();
  for (size_t i = 0; i < n && b.ok(); ++i) {
    uint64_t key = b.U64();
    auto body = std::make_shared<BuildCache::Impl::Body>();
    size_t h = b.Count();
    for (size_t k = 0; k < h && b.ok(); ++k) {
      markdown::Heading x;
      x.level = b.Int();
      x.id = b.Str();
      x.text = b.Str();
      body->md.toc.push_back(std::move(x));
    }
    body->search_text = b.Str();
    body->has_html = false;  // rendered again when a page needs it
    bodies.emplace(key, std::move(body));
  }
  core::ByteReader t(sections[2]);
  decltype(cache->briefing_files) briefing_files;
  n = t.Count();
  for (size_t i = 0; i < n && t.ok(); ++i) {
    std::string rel = t.Str();
    uint64_t key = t.U64();
    uint64_t stamp = t.U64();
    briefing_files.emplace(std::move(rel), std::make_pair(key, stamp));
  }
  uint64_t search_key = t.U64();
  uint64_t search_gzip_bytes = t.U64();
  if (!r.done() || !b.done() || !t.done()) return;
  cache->rendered = std::move(rendered);
  cache->bodies = std::move(bodies);
  cache->briefing_files = std::move(briefing_files);
  cache->disk.search_key = search_key;
  cache->disk.search_gzip_bytes = search_gzip_bytes;
}

void SavePageCache(const BuildOptions& o, const BuildCache::Impl& cache) {
  CacheFileWriter out(CacheDir(o) / "pages", "pages");
  {
    core::ByteWriter w;
    w.U64(cache.rendered.size());
    for (const auto& [path, x] : cache.rendered) {
      w.Str(path);
      w.U64(x.key);
      w.Str(x.file.hash);
      w.U64(x.file.data ? x.file.data->size() : x.size);
    }
    out.Section(w.bytes());
  }
  {
    // The rendered HTML is not kept: it is only needed again for a page
    // whose view changed, and rendering it again is cheap.
    core::ByteWriter w;
    w.U64(cache.bodies.size());
    for (const auto& [key, body] : cache.bodies) {
      w.U64(key);
      w.U64(body->md.toc.size());
      for (const auto& h : body->md.toc) {
        w.I64(h.level);
        w.Str(h.id);
        w.Str(h.text);
      }
      w.Str(body->search_text);
    }
    out.Section(w.bytes());
  }
  {
    core::ByteWriter w;
    w.U64(cache.briefing_files.size());
    for (const auto& [rel, ks] : cache.briefing_files) {
      w.Str(rel);
      w.U64(ks.first);
      w.U64(ks.second);
    }
    w.U64(cache.disk.search_key);
    w.U64(cache.disk.search_gzip_bytes);
    out.Section(w.bytes());
  }
  out.Commit();
}

}  // namespace dossier::pipeline
