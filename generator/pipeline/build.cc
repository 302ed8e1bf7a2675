#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <system_error>
#include <thread>
#include <unordered_map>

#include "pipeline/pipeline_internal.h"

namespace dossier::pipeline {
namespace {

using core::Status;

// Holds an exclusive lock on <project>/.dossier.lock for the whole build.
class BuildLock {
 public:
  // Waits up to `wait_ms` for another build to release it (checking every
  // 25 ms, and for Ctrl-C or `*cancel`).
  Status Acquire(const fs::path& dir, int wait_ms, const std::atomic<bool>* cancel) {
    path_ = dir / ".dossier.lock";
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) return Status::Ok();  // read-only project: nothing to protect
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(std::max(0, wait_ms));
    while (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      if (std::chrono::steady_clock::now() >= until)
        return Status::Invalid("another dossier build is running in this project (lock " +
                               core::GenericString(path_) + ")");
      if (core::InterruptRequested() || (cancel != nullptr && cancel->load())) return core::Interrupted();
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    return Status::Ok();
  }
  ~BuildLock() {
    if (fd_ >= 0) ::close(fd_);
  }

 private:
  fs::path path_;
  int fd_ = -1;
};

Status CheckOutputDir(const BuildOptions& o) {
  std::error_code ec;
  fs::path out = fs::weakly_canonical(fs::absolute(o.out_dir), ec);
  if (out.empty() || out == out.root_path())
    return Status::Invalid("refusing to write the site to '" + core::GenericString(o.out_dir) + "' (the file-system root)");
  for (const fs::path& p : {o.seeds_dir, o.content_dir, o.project_dir}) {
    fs::path q = fs::weakly_canonical(fs::absolute(p), ec);
    if (core::IsInside(q, out) || (core::IsInside(out, q) && p != o.project_dir))
      return Status::Invalid("refusing to write the site to '" + core::GenericString(o.out_dir) +
                             "': it overlaps the input folder '" + core::GenericString(p) + "'");
  }
  if (fs::exists(out, ec) && !fs::is_empty(out, ec) && !fs::exists(out / ".dossier-site", ec))
    return Status::Invalid("refusing to replace '" + core::GenericString(o.out_dir) +
                           "': it is not empty and was not written by Dossier (no .dossier-site marker)");
  return Status::Ok();
}

// Moves the finished build into place; the old site is removed only after.
Status SwapIn(const fs::path& tmp, const fs::path& out) {
  std::error_code ec;
  fs::path old = out.parent_path() / ("." + out.filename().string() + ".old-" + std::to_string(getpid()));
  bool had_old = fs::exists(out, ec);
  if (had_old) {
    fs::rename(out, old, ec);
    if (ec) return Status::Io("cannot move the previous site aside: " + ec.message(), {core::GenericString(out)});
  }
  fs::rename(tmp, out, ec);
  if (ec) {
    std::error_code ignored;
    if (had_old) fs::rename(old, out, ignored);
    return Status::Io("cannot move the new site into place: " + ec.message(), {core::GenericString(out)});
  }
  if (had_old) fs::remove_all(old, ec);
  return Status::Ok();
}

// Removes ".<site>.tmp-<pid>" / ".<site>.old-<pid>" folders left beside the
// output by a build that was killed (SIGKILL, power loss) before it could
// clean up. Only folders whose process is gone are removed.
void RemoveStaleBuilds(const fs::path& out) {
  std::error_code ec;
  const std::string name = out.filename().string();
  for (const auto& e : fs::directory_iterator(out.parent_path(), ec)) {
    std::string n = e.path().filename().string();
    for (const char* kind : {".tmp-", ".old-"}) {
      std::string prefix = "." + name + kind;
      if (n.size() <= prefix.size() || n.compare(0, prefix.size(), prefix) != 0) continue;
      std::string pid = n.substr(prefix.size());
      if (pid.find_first_not_of("0123456789") != std::string::npos || pid.size() > 9) continue;
      pid_t p = static_cast<pid_t>(std::stol(pid));
      if (p != getpid() && ::kill(p, 0) != 0 && errno == ESRCH) {
        std::error_code ignored;
        fs::remove_all(e.path(), ignored);
      }
    }
  }
}

// Fingerprints of the context's entries, by name and by article id, made
// once per build: a briefing's key then costs one hash lookup per entity
// and related article instead of a walk down the context's ordered maps.
struct ComposeKeyIndex {
  std::unordered_map<std::string_view, uint64_t> entities, articles;
  explicit ComposeKeyIndex(const compose::ComposeContext& ctx) {
    entities.reserve(ctx.entities.size());
    for (const auto& [name, ref] : ctx.entities)
      entities.emplace(name, core::Fingerprint().Add(ref.name).Add(ref.kind).Add(ref.slug).Add(ref.count).value());
    articles.reserve(ctx.articles.size());
    for (const auto& [id, st] : ctx.articles)
      articles.emplace(id, core::Fingerprint().Add(st.first).Add(st.second).value());
  }
};

// Fingerprint of everything ComposeBriefing reads: the article, its
// analysis, the directory entries of its entities, the slugs and titles of
// its related articles, and the config it uses.
uint64_t ComposeKey(const ingest::Article& a, const analyse::ArticleAnalysis& an, const compose::ComposeContext& ctx,
                    const ComposeKeyIndex& index) {
  core::Fingerprint f;
  f.Add(a.id).Add(a.source_path).Add(a.slug).Add(a.title).Add(a.title_derived).Add(a.byline).Add(a.byline_url);
  f.Add(a.date).Add(a.source_url).Add(a.publisher).Add(a.content_hash).Add(a.slug_from_front_matter);
  auto list = [&](const std::vector<std::string>& v) {
    f.Add(static_cast<uint64_t>(v.size()));
    for (const auto& x : v) f.Add(x);
  };
  // The parsed text (paragraphs, notes, credits, tags, links) and the
  // sentences are functions of the decoded source text and its path alone
  // (ingest and sentence splitting take no options), both hashed above.
  f.Add(static_cast<uint64_t>(a.paragraphs.size())).Add(static_cast<uint64_t>(a.notes.size()));
  auto ints = [&](const std::vector<int>& v) {
    f.Add(static_cast<uint64_t>(v.size()));
    for (int x : v) f.Add(x);
  };
  f.Add(an.id).Add(static_cast<uint64_t>(an.sentences.size()));
  ints(an.summary);
  ints(an.ranking);
  ints(an.key_points);
  f.Add(static_cast<uint64_t>(an.keyphrases.size()));
  for (const auto& k : an.keyphrases) f.Add(k.text).Add(k.weight);
  f.Add(static_cast<uint64_t>(an.entities.size()));
  for (const auto& e : an.entities) {
    f.Add(e.name).Add(e.kind).Add(e.count);
    list(e.variants);
    ints(e.sentences);
    auto ref = index.entities.find(e.name);
    if (ref == index.entities.end()) f.Add(false);
    else f.Add(true).Add(ref->second);
  }
  f.Add(static_cast<uint64_t>(an.quotes.size()));
  for (const auto& q : an.quotes) f.Add(q.speaker).Add(q.text).Add(q.sentence);
  f.Add(static_cast<uint64_t>(an.related.size()));
  for (const auto& r : an.related) {
    f.Add(r.id).Add(r.score);
    list(r.shared);
    auto other = index.articles.find(r.id);
    if (other == index.articles.end()) f.Add(false);
    else f.Add(true).Add(other->second);
  }
  f.Add(ctx.brief_sentences);
  return f.value();
}

}  // namespace

BuildOptions OptionsFromConfig(const config::SiteConfig& c, const fs::path& config_dir) {
  BuildOptions o;
  // With the config in the current folder, paths stay as written
  // ("seeds/x.txt" in messages, not "./seeds/x.txt").
  bool here = config_dir.empty() || config_dir == ".";
  auto resolve = [&](const std::string& p) {
    return fs::path(p).is_absolute() || here ? fs::path(p) : config_dir / p;
  };
  o.project_dir = config_dir;
  o.seeds_dir = resolve(c.seeds_dir);
  o.content_dir = resolve(c.content_dir);
  o.out_dir = resolve(c.output_dir);
  return o;
}

analyse::AnalyseOptions AnalyseOptionsFrom(const config::SiteConfig& c) {
  analyse::AnalyseOptions a;
  a.summary_ratio = c.summary_ratio;
  a.summary_sentences = c.summary_sentences;
  a.related_max = c.related_max;
  a.related_min_score = c.related_min_score;
  a.threads = c.threads;
  return a;
}

namespace {

Status Ingest(const config::SiteConfig& config, const BuildOptions& options, std::vector<ingest::Article>* articles,
              core::Diagnostics* diagnostics) {
  ingest::IngestOptions io;
  io.max_file_bytes = static_cast<size_t>(config.max_article_mb) << 20;
  return ingest::LoadArticles(options.seeds_dir, io, articles, diagnostics,
                              options.cache ? &options.cache->impl().seeds : nullptr);
}

std::vector<analyse::ArticleAnalysis> AnalyseArticles(const config::SiteConfig& config, const BuildOptions& options,
                                                      const std::vector<ingest::Article>& articles,
                                                      core::Diagnostics* diagnostics) {
  std::vector<analyse::Document> docs;
  docs.reserve(articles.size());
  for (const auto& a : articles) docs.push_back({a.id, a.title, a.paragraphs});
  return analyse::Analyse(docs, AnalyseOptionsFrom(config), diagnostics, options.cache ? &options.cache->impl().analysis : nullptr);
}

}  // namespace

Status LoadAndAnalyse(const config::SiteConfig& config, const BuildOptions& options,
                      std::vector<ingest::Article>* articles, std::vector<analyse::ArticleAnalysis>* analyses,
                      core::Diagnostics* diagnostics) {
  Status st = Ingest(config, options, articles, diagnostics);
  if (!st.ok()) return st;
  *analyses = AnalyseArticles(config, options, *articles, diagnostics);
  return Status::Ok();
}

Status Build(const config::SiteConfig& config, const BuildOptions& given, BuildReport* report,
             core::Diagnostics* diagnostics) {
  Timer timer(report);
  // Without a caller's BuildCache (serve keeps one in memory), the build
  // keeps its cache in .dossier-cache/ (disk_cache.cc).
  BuildOptions options = given;
  BuildCache disk_cache;
  if (options.cache == nullptr && options.memory_site == nullptr && options.use_disk_cache) {
    options.cache = &disk_cache;
    disk_cache.impl().disk.on = true;
  }
  BuildLock lock;
  Status st = lock.Acquire(options.project_dir, options.lock_wait_ms, options.cancel);
  if (!st.ok()) return st;
  if (options.write_site && !options.memory_site) {
    st = CheckOutputDir(options);
    if (!st.ok()) return st;
  }
  // Warm build: nothing changed since the last successful build.
  bool cacheable = options.write_site && !options.memory_site && !options.force && options.dump_search_docs.empty();
  if (cacheable && UpToDate(InputFingerprint(config, options), options, diagnostics)) {
    report->up_to_date = true;
    timer.Lap("up-to-date check");
    if (options.strict && !diagnostics->empty())
      return Status::Invalid("--strict: " + std::to_string(diagnostics->items().size()) + " problem(s) in the input");
    return Status::Ok();
  }
  ForgetBuild(options);
  BuildCache::Impl* cache = options.cache ? &options.cache->impl() : nullptr;
  const bool on_disk = cache != nullptr && cache->disk.on;
  if (on_disk) {
    cache->analysis.SetExportOnly(true);
    LoadArticleCache(options, cache);
    if (options.write_site) LoadPageCache(options, cache);
    timer.Lap("load cache");
  }
  if (options.progress) options.progress("ingest+analyse", 0, 0);
  std::vector<ingest::Article> articles;
  std::vector<analyse::ArticleAnalysis> analyses;
  st = Ingest(config, options, &articles, diagnostics);
  if (!st.ok()) return st;
  // On disk, the seeds' entries are kept as bytes, not as a second copy of
  // every article.
  std::string seeds_bytes;
  if (on_disk) {
    seeds_bytes = ExportSeeds(cache->seeds);
    cache->seeds = ingest::LoadCache();
  }
  timer.Lap("ingest");
  // The articles cache is written on a helper thread while the build goes
  // on, from the moment the per-document analysis is known (before the
  // corpus-wide steps): from there on nothing else touches the seeds'
  // bytes and the exported analysis, and once written they are freed, so
  // they do not add to the memory the corpus-wide steps need.
  std::thread saver;
  struct JoinOnExit {
    std::thread& t;
    ~JoinOnExit() {
      if (t.joinable()) t.join();
    }
  } join_saver{saver};
  if (on_disk) {
    cache->analysis.SetExportSink([&options, &seeds_bytes, &saver](std::string&& exported) {
      auto analysis = std::make_shared<std::string>(std::move(exported));
      auto save = [&options, &seeds_bytes, analysis] {
        SaveArticleCache(options, seeds_bytes, *analysis);
        std::string().swap(seeds_bytes);
        std::string().swap(*analysis);
      };
      if (saver.joinable()) saver.join();  // one Analyse call per build; never two writers
      try {
        saver = std::thread(save);
      } catch (const std::system_error&) {  // no thread: written here
        save();
      }
    });
  }
  analyses = AnalyseArticles(config, options, articles, diagnostics);
  if (on_disk) cache->analysis.SetExportSink(nullptr);
  if (core::InterruptRequested()) return core::Interrupted();
  report->articles = articles.size();
  timer.Lap("analyse");
  if (options.strict && !diagnostics->empty())
    return Status::Invalid("--strict: " + std::to_string(diagnostics->items().size()) +
                           " problem(s) in the input; nothing was written");

  compose::ComposeContext ctx;
  ctx.entities = compose::BuildEntityDirectory(analyses, config.entity_min_mentions);
  ctx.brief_sentences = config.brief_sentences;
  for (const auto& a : articles) ctx.articles[a.id] = {a.slug, a.title};
  std::vector<compose::Page> pages;
  pages.reserve(articles.size());
  pages.resize(articles.size());
  std::vector<uint64_t> compose_keys(articles.size(), 0);
  std::optional<ComposeKeyIndex> key_index;
  if (cache != nullptr) key_index.emplace(ctx);
  // In memory (serve), each briefing's (key, page), gathered into the
  // cache after the loop: the loop only reads the previous build's map.
  std::vector<std::shared_ptr<const compose::Page>> kept(cache != nullptr && !on_disk ? articles.size() : 0);
  st = ParallelFor(articles.size(), config.threads, [&](size_t i) {
    if (cache == nullptr) {
      pages[i] = compose::ComposeBriefing(articles[i], analyses[i], ctx);
      return Status::Ok();
    }
    // With a BuildCache: composed again only when its inputs changed (on
    // disk, composed pages are not kept: the key tells WriteBriefings
    // which briefing files already hold their page).
    uint64_t key = ComposeKey(articles[i], analyses[i], ctx, *key_index);
    compose_keys[i] = key;
    if (on_disk) {
      pages[i] = compose::ComposeBriefing(articles[i], analyses[i], ctx);
      return Status::Ok();
    }
    std::shared_ptr<const compose::Page> page;
    auto it = cache->composed.find(articles[i].id);
    if (it != cache->composed.end() && it->second.first == key) page = it->second.second;
    if (page == nullptr)
      page = std::make_shared<const compose::Page>(compose::ComposeBriefing(articles[i], analyses[i], ctx));
    pages[i] = *page;
    kept[i] = std::move(page);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  if (cache != nullptr && !on_disk) {
    cache->next_composed.clear();
    for (size_t i = 0; i < articles.size(); ++i)
      cache->next_composed[articles[i].id] = {compose_keys[i], std::move(kept[i])};
    cache->composed.swap(cache->next_composed);
  }
  // The pages now carry what rendering needs; free the rest early.
  Discard(options.garbage, articles);
  Discard(options.garbage, analyses);
  timer.Lap("compose");
  std::map<std::string, compose::Page> current;
  st = WriteBriefings(options.content_dir, &pages, options.force, report, diagnostics, &current,
                      cache ? &compose_keys : nullptr, cache);
  if (!st.ok()) return st;
  Discard(options.garbage, pages);
  Discard(options.garbage, ctx.entities);
  Discard(options.garbage, ctx.articles);
  timer.Lap("write briefings");
  if (!options.write_site) return Status::Ok();

  render::Theme theme;
  st = render::LoadTheme(options.project_dir / "themes", config.theme, options.project_dir / "templates", &theme);
  if (!st.ok()) return st.WithContext("loading the theme");
  timer.Lap("theme");
  std::vector<SitePage> site_pages;
  compose::Page home_intro;
  LoadContent(options.content_dir, std::move(current), &site_pages, &home_intro, diagnostics);
  timer.Lap("content");

  std::error_code ec;
  if (options.memory_site) {
    options.memory_site->clear();
    SiteWriter memory("/site", options.memory_site);
    RenderInput in{&config, &options, &theme, &site_pages, &home_intro, &timer};
    st = RenderSite(in, &memory, report, diagnostics);
    Discard(options.garbage, site_pages);
    timer.Lap("finish");  // the cache's render maps swapped, what is gone freed (no manifest in memory)
    return st;
  }
  fs::path out = fs::absolute(options.out_dir).lexically_normal();
  if (out.filename().empty()) out = out.parent_path();
  fs::create_directories(out.parent_path(), ec);
  fs::path tmp = out.parent_path() / ("." + out.filename().string() + ".tmp-" + std::to_string(getpid()));
  fs::remove_all(tmp, ec);
  RemoveStaleBuilds(out);
  SiteWriter writer(tmp, nullptr, fs::exists(out / ".dossier-site", ec) ? out : fs::path());
  std::future<size_t> search_gzip;  // waited for by its destructor on every return
  RenderInput in{&config, &options, &theme, &site_pages, &home_intro, &timer, &search_gzip};
  st = RenderSite(in, &writer, report, diagnostics);
  if (!st.ok()) {
    fs::remove_all(tmp, ec);
    return st;
  }
  timer.Lap("manifest");
  if (core::InterruptRequested()) st = core::Interrupted();
  if (st.ok()) st = SwapIn(tmp, out);
  if (!st.ok()) {
    fs::remove_all(tmp, ec);
    return st;
  }
  timer.Lap("swap");
  if (search_gzip.valid()) {
    report->search_gzip_bytes = search_gzip.get();
    if (cache != nullptr && cache->disk.on) cache->disk.search_gzip_bytes = report->search_gzip_bytes;
    timer.Lap("search gzip size");
  }
  if (on_disk) {
    saver.join();
    SavePageCache(options, *cache);
    timer.Lap("save cache");
  }
  if (cacheable && !diagnostics->HasErrors()) RecordBuild(InputFingerprint(config, options), options, *diagnostics);
  return Status::Ok();
}

}  // namespace dossier::pipeline
