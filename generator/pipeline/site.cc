// site/: every HTML page, from content pages and the entity graph in their
// front matter. All links are relative (RootPrefix) so one build works at a
// domain root, under a subpath and from file://.
#include <algorithm>
#include <functional>
#include <future>
#include <atomic>
#include <mutex>
#include <cstdio>
#include <map>
#include <set>
#include <string_view>

#include "markdown/markdown.h"
#include "pipeline/pipeline_internal.h"

namespace dossier::pipeline {
namespace {

using core::Status;
using render::Value;

struct EntityInfo {
  std::string name, kind, slug;
  int count = 0;
  std::vector<size_t> pages;                // indices into pages, sorted
  int index = 0;                            // position in slug order
};

struct KindInfo {
  const char* kind;
  const char* label;   // singular
  const char* title;   // plural, page title
  const char* file;    // site path
};

// Lists longer than this show compact cards (no summary), keeping pages small.
constexpr size_t kFullCards = 40;

constexpr KindInfo kKinds[] = {{"person", "Person", "People", "people.html"},
                               {"organisation", "Organisation", "Organisations", "organisations.html"},
                               {"place", "Place", "Places", "places.html"},
                               {"other", "Topic", "Topics", "topics.html"}};

const KindInfo& Kind(const std::string& k) {
  for (const auto& info : kKinds)
    if (k == info.kind) return info;
  return kKinds[3];
}

std::string LongDate(const std::string& iso) {
  static const char* kMonths[] = {"January", "February", "March", "April", "May", "June", "July",
                                  "August", "September", "October", "November", "December"};
  if (iso.size() < 10) return iso;
  int m = std::atoi(iso.substr(5, 2).c_str()), d = std::atoi(iso.substr(8, 2).c_str());
  if (m < 1 || m > 12) return iso;
  return std::to_string(d) + " " + kMonths[m - 1] + " " + iso.substr(0, 4);
}

std::string MonthLabel(const std::string& iso) {
  static const char* kMonths[] = {"January", "February", "March", "April", "May", "June", "July",
                                  "August", "September", "October", "November", "December"};
  int m = std::atoi(iso.substr(5, 2).c_str());
  if (m < 1 || m > 12) return iso.substr(0, 7);
  return std::string(kMonths[m - 1]) + " " + iso.substr(0, 4);
}

bool ValidIsoDate(const std::string& d) {
  return d.size() == 10 && d[4] == '-' && d[7] == '-' &&
         std::all_of(d.begin(), d.end(), [](char c) { return (c >= '0' && c <= '9') || c == '-'; });
}

std::string Join(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

std::string SearchBody(const std::string& plain, bool briefing);

class SiteBuilder {
 public:
  SiteBuilder(const RenderInput& in, SiteWriter* w, BuildReport* r, core::Diagnostics* d)
      : in_(in), cfg_(*in.config), pages_(*in.pages), writer_(w), report_(r), diags_(d) {}

  Status Run() {
    if (cache_ != nullptr) cache_->BeginRender();
    RenderBodies();
    CollectEntities();
    int threads = cfg_.threads;
    total_pages_ = pages_.size() + entities_.size();
    in_.timer->Lap("render: prepare");
    Status st = ParallelFor(pages_.size(), threads,
                            [&](size_t i) { return pages_[i].page.is_briefing ? Briefing(i) : HandWritten(i); });
    if (!st.ok()) return st;
    in_.timer->Lap("render: briefings");
    // The search index (the longest single output) needs only what the
    // briefings stage gathered: it is made on a thread of its own while the
    // entity pages are rendered, whose file creation leaves the cores idle
    // part of the time; the gzip size it starts then overlaps the lists.
    std::future<Status> index;
    try {
      index = std::async(std::launch::async, [this] { return SearchIndex(); });
    } catch (const std::system_error&) {  // no thread: made here, first
      st = SearchIndex();
      if (!st.ok()) return st;
    }
    std::vector<const EntityInfo*> ents;
    for (const auto& [slug, e] : entities_) ents.push_back(&e);
    st = ParallelFor(ents.size(), threads, [&](size_t i) { return EntityPage(*ents[i]); });
    Status index_st = index.valid() ? index.get() : Status::Ok();
    if (!st.ok()) return st;
    if (!index_st.ok()) return index_st;
    in_.timer->Lap("render: entities+index");
    // Lists, feeds and assets are independent of each other: run them side
    // by side. The first failure in this order is reported.
    std::vector<std::function<Status()>> rest = {
        [&] { return Timeline(); },
        [&] { return Sources(); },
        [&] { return KindIndex(kKinds[0]); },
        [&] { return KindIndex(kKinds[1]); },
        [&] { return KindIndex(kKinds[2]); },
        [&] { return KindIndex(kKinds[3]); },
        [&] { return Home(); },
        [&] { return Simple("search", "search.html", "Search"); },
        [&] { return Simple("404", "404.html", "Page not found"); },
        [&] { return Assets(); },
        [&] { return Feed(); },
        [&] { return Sitemap(); },
    };
    st = ParallelFor(rest.size(), threads, [&](size_t i) { return rest[i](); });
    if (!st.ok()) return st;
    in_.timer->Lap("render: lists");
    if (!(st = writer_->Write(".nojekyll", "")).ok()) return st;
    report_->pages = pages_written_;
    st = writer_->Finish();
    if (st.ok() && cache_ != nullptr) cache_->EndRender(in_.options->garbage);
    return st;
  }

 private:
  // ---- shared view parts ---------------------------------------------------

  Value Base(const std::string& out_path, const std::string& page_title, const std::string& kind) {
    std::string root = RootPrefix(out_path);
    Value v = Value::Object();
    Value site = Value::Object();
    site.Set("title", cfg_.title);
    site.Set("description", cfg_.description);
    site.Set("language", cfg_.language);
    v.Set("site", site);
    v.Set("root", root);
    v.Set("page_title", page_title == cfg_.title ? cfg_.title : page_title + " \u2013 " + cfg_.title);
    v.Set("page_kind", kind);
    v.Set("feed_url", root + "feed.xml");
    Value menu = Value::List();
    auto item = [&](const std::string& title, const std::string& path) {
      Value m = Value::Object();
      m.Set("title", title);
      m.Set("url", root + path);
      m.Set("current", path == out_path);
      menu.Push(m);
    };
    item("Home", "index.html");
    item("Timeline", "timeline.html");
    for (const auto& k : kKinds) item(k.title, k.file);
    item("Sources", "sources.html");
    for (const auto* p : menu_pages_) item(p->page.title, p->out_path);
    item("Search", "search.html");
    v.Set("menu", menu);
    return v;
  }

  // A briefing card; `with_summary` false gives the compact card used in
  // long lists (timeline, sources, entities with many briefings).
  Value Card(size_t i, const std::string& from, bool with_summary = true) {
    const auto& sp = pages_[i];
    const auto& p = sp.page;
    std::string root = RootPrefix(from);
    Value c = Value::Object();
    c.Set("title", p.title);
    c.Set("url", root + sp.out_path);
    c.Set("date", p.date);
    c.Set("date_long", LongDate(p.date));
    c.Set("publisher", p.publisher);
    c.Set("byline", p.byline);
    c.Set("summary", with_summary ? Join(p.summary, " ") : std::string());
    Value ents = Value::List();
    ForCardEntities(p, [&](const compose::EntityRef& e) {
      Value x = Value::Object();
      x.Set("name", e.name);
      x.Set("url", root + "entities/" + e.slug + ".html");
      ents.Push(x);
    });
    c.Set("entities", ents);
    return c;
  }

  Status RenderHtml(const std::string& tmpl, const std::string& out_path, const Value& view, std::string* html) {
    Status st = render::RenderTemplate(*in_.theme, tmpl, view, html);
    if (!st.ok()) return st.WithContext("rendering " + out_path);
    return st;
  }

  void CountPage() {
    size_t done = ++pages_written_;
    if (in_.options->progress && done % 64 == 0) {
      std::lock_guard<std::mutex> lock(progress_mutex_);
      in_.options->progress("render", std::min(done, total_pages_), total_pages_);
    }
  }

  Status Emit(const std::string& tmpl, const std::string& out_path, const Value& view) {
    std::string html;
    Status st = RenderHtml(tmpl, out_path, view, &html);
    if (!st.ok()) return st;
    CountPage();
    return writer_->Write(out_path, html);
  }

  // Emit() through the BuildCache: `key` fingerprints everything the view
  // of `out_path` shows (beyond the base key: theme, config, menu), so the
  // page is rendered again only when one of those inputs changed.
  Status EmitKeyed(const std::string& tmpl, const std::string& out_path, uint64_t key,
                   const std::function<Value()>& view) {
    if (cache_ == nullptr) return Emit(tmpl, out_path, view());
    key = core::Fingerprint().Add(key).Add(base_key_).Add(tmpl).Add(out_path).value();
    BuildCache::Impl::Rendered hit;
    if (FindRendered(out_path, key, &hit)) {
      CountPage();
      return PutRendered(out_path, hit);
    }
    std::string html;
    Status st = RenderHtml(tmpl, out_path, view(), &html);
    if (!st.ok()) return st;
    CountPage();
    return StoreRendered(out_path, key, std::move(html));
  }

  // ---- the BuildCache's rendered files (shared by pages and the index) -----

  // The cached file of `path` when its key is `key`. On disk (no bytes in
  // memory) only when the previous site still has that file: it is then
  // hard-linked into the new site already.
  bool FindRendered(const std::string& path, uint64_t key, BuildCache::Impl::Rendered* hit) {
    {
      std::lock_guard<std::mutex> lock(cache_->mutex);
      auto it = cache_->rendered.find(path);
      if (it == cache_->rendered.end() || it->second.key != key) return false;
      *hit = it->second;
    }
    return hit->file.data != nullptr || writer_->Reuse(path, hit->size, hit->file.hash);
  }

  // Writes a hit (unless linked by FindRendered) and keeps it for the next build.
  Status PutRendered(const std::string& path, const BuildCache::Impl::Rendered& hit) {
    {
      std::lock_guard<std::mutex> lock(cache_->mutex);
      cache_->next_rendered[path] = hit;
    }
    return hit.file.data == nullptr ? Status::Ok() : writer_->Put(path, hit.file);
  }

  // Writes freshly made bytes and keeps them (on disk: their size and hash)
  // for the next build.
  Status StoreRendered(const std::string& path, uint64_t key, std::string data) {
    if (cache_->disk.on) return StoreRenderedOnDisk(path, key, data);
    BuildCache::Impl::Rendered r;
    r.key = key;
    r.file = SiteWriter::MakeFile(std::move(data));
    r.size = r.file.data->size();
    Status st = writer_->Put(path, r.file);
    std::lock_guard<std::mutex> lock(cache_->mutex);
    cache_->next_rendered[path] = std::move(r);
    return st;
  }

  // With the BuildCache on disk: the bytes go to the new site and only their
  // size and hash are kept (so the caller may keep the bytes).
  Status StoreRenderedOnDisk(const std::string& path, uint64_t key, std::string_view data) {
    std::string hash = core::ContentHashHex(data);
    Status st = writer_->WriteHashed(path, data, hash);
    RecordRenderedOnDisk(path, key, data.size(), std::move(hash));
    return st;
  }

  // The same for a file the caller wrote itself (its size and hash).
  void RecordRenderedOnDisk(const std::string& path, uint64_t key, uint64_t size, std::string hash) {
    BuildCache::Impl::Rendered r;
    r.key = key;
    r.file.hash = std::move(hash);
    r.size = size;
    std::lock_guard<std::mutex> lock(cache_->mutex);
    cache_->next_rendered[path] = std::move(r);
  }

  // Fingerprint of a content page: every field a view can show.
  static uint64_t PageKey(const SitePage& sp) {
    const compose::Page& p = sp.page;
    core::Fingerprint f;
    f.Add(sp.out_path).Add(p.rel_path).Add(p.is_briefing).Add(p.title).Add(p.title_derived).Add(p.slug).Add(p.date);
    f.Add(p.byline).Add(p.byline_url).Add(p.source_url).Add(p.publisher).Add(p.seed).Add(p.seed_hash);
    f.Add(static_cast<uint64_t>(p.summary.size()));
    for (const auto& x : p.summary) f.Add(x);
    f.Add(static_cast<uint64_t>(p.key_points.size()));
    for (const auto& k : p.key_points) f.Add(k.text).Add(k.anchor);
    f.Add(static_cast<uint64_t>(p.entities.size()));
    for (const auto& e : p.entities) f.Add(e.name).Add(e.kind).Add(e.slug).Add(e.count);
    f.Add(static_cast<uint64_t>(p.keyphrases.size()));
    for (const auto& k : p.keyphrases) f.Add(k);
    f.Add(static_cast<uint64_t>(p.quotes.size()));
    for (const auto& q : p.quotes) f.Add(q.speaker).Add(q.text).Add(q.anchor);
    f.Add(static_cast<uint64_t>(p.related.size()));
    for (const auto& r : p.related) {
      f.Add(r.slug).Add(r.title).Add(r.score).Add(static_cast<uint64_t>(r.shared.size()));
      for (const auto& x : r.shared) f.Add(x);
    }
    f.Add(static_cast<uint64_t>(p.notes.size()));
    for (const auto& x : p.notes) f.Add(x);
    f.Add(static_cast<uint64_t>(p.tags.size()));
    for (const auto& x : p.tags) f.Add(x);
    f.Add(p.description).Add(p.weight).Add(p.menu).Add(p.body).Add(p.body_line);
    return f.value();
  }

  // What Card() shows of a briefing (a superset): the home page, timeline,
  // sources, entity pages and related links show no more of other pages,
  // so an edit that leaves these alone (a quote, a key point, a related
  // list, an entity's count) re-renders none of them.
  static uint64_t CardKey(const SitePage& sp) {
    const compose::Page& p = sp.page;
    core::Fingerprint f;
    f.Add(sp.out_path).Add(p.title).Add(p.date).Add(p.publisher).Add(p.byline);
    f.Add(static_cast<uint64_t>(p.summary.size()));
    for (const auto& x : p.summary) f.Add(x);
    uint64_t shown = 0;
    ForCardEntities(p, [&](const compose::EntityRef& e) {
      f.Add(e.name).Add(e.slug);
      ++shown;
    });
    return f.Add(shown).value();
  }

  // The entities a card shows: the first five that have a page.
  template <typename F>
  static void ForCardEntities(const compose::Page& p, F&& f) {
    int n = 0;
    for (const auto& e : p.entities) {
      if (e.slug.empty()) continue;
      if (n++ == 5) break;
      f(e);
    }
  }

  // What every page shows besides its own content: theme, config, menu.
  uint64_t BaseKey() const {
    core::Fingerprint f;
    const render::Theme& t = *in_.theme;
    f.Add(t.name);
    for (const auto* m : {&t.templates, &t.partials}) {
      f.Add(static_cast<uint64_t>(m->size()));
      for (const auto& [name, text] : *m) f.Add(name).Add(text);
    }
    f.Add(cfg_.title).Add(cfg_.description).Add(cfg_.base_url).Add(cfg_.language).Add(cfg_.theme).Add(cfg_.author);
    f.Add(cfg_.summary_ratio).Add(cfg_.summary_sentences).Add(cfg_.brief_sentences).Add(cfg_.related_max);
    f.Add(cfg_.related_min_score).Add(cfg_.entity_min_mentions).Add(cfg_.home_briefings).Add(cfg_.search_budget_kb);
    f.Add(static_cast<uint64_t>(menu_pages_.size()));
    for (const auto* p : menu_pages_) f.Add(p->out_path).Add(p->page.title);
    return f.value();
  }

  // A content page's Markdown, rendered (or taken from the BuildCache);
  // fills the page's search text.
  std::shared_ptr<const BuildCache::Impl::Body> GetBody(size_t i) {
    auto make = [&] {
      auto b = std::make_shared<BuildCache::Impl::Body>();
      b->md = markdown::Render(pages_[i].page.body, markdown::MarkdownOptions());
      if (pages_[i].page.is_briefing) b->search_text = SearchBody(b->md.plain_text, true);
      b->md.plain_text.clear();
      return b;
    };
    if (cache_ == nullptr) {  // nobody else holds the body: its text moves
      auto b = make();
      search_text_[i] = std::move(b->search_text);
      return b;
    }
    std::shared_ptr<const BuildCache::Impl::Body> body;
    uint64_t key = core::Fingerprint().Add(pages_[i].page.body).Add(pages_[i].page.is_briefing).value();
    {
      std::lock_guard<std::mutex> lock(cache_->mutex);
      auto it = cache_->bodies.find(key);
      if (it != cache_->bodies.end()) body = it->second;
    }
    if (body == nullptr) body = make();
    std::shared_ptr<const BuildCache::Impl::Body> kept = body;
    if (cache_->disk.on && body->has_html) {
      // On disk the HTML is not kept (disk_cache.cc): hold only what the
      // next build needs, not every page's HTML until the build ends.
      auto lean = std::make_shared<BuildCache::Impl::Body>();
      lean->md.toc = body->md.toc;
      lean->search_text = body->search_text;
      lean->has_html = false;
      kept = std::move(lean);
    }
    {
      std::lock_guard<std::mutex> lock(cache_->mutex);
      cache_->next_bodies[key] = std::move(kept);
    }
    search_text_[i] = body->search_text;
    return body;
  }

  // The body with its HTML (a body from the cache on disk has none: the
  // Markdown is rendered again for a page that is rendered again).
  std::shared_ptr<const BuildCache::Impl::Body> WithHtml(size_t i, std::shared_ptr<const BuildCache::Impl::Body> body) {
    if (body->has_html) return body;
    auto full = std::make_shared<BuildCache::Impl::Body>();
    full->md = markdown::Render(pages_[i].page.body, markdown::MarkdownOptions());
    full->md.plain_text.clear();
    return full;
  }

  // ---- content pages ---------------------------------------------------------

  void RenderBodies() {
    search_text_.resize(pages_.size());
    for (const auto& sp : pages_)
      if (!sp.page.is_briefing && sp.page.menu) menu_pages_.push_back(&sp);
    std::stable_sort(menu_pages_.begin(), menu_pages_.end(),
                     [](const SitePage* a, const SitePage* b) { return a->page.weight < b->page.weight; });
    for (size_t i = 0; i < pages_.size(); ++i)
      if (pages_[i].page.is_briefing) briefings_.push_back(i);
    // Newest first; undated last; ties by title then path.
    std::stable_sort(briefings_.begin(), briefings_.end(), [&](size_t a, size_t b) {
      const auto &x = pages_[a].page, &y = pages_[b].page;
      if (x.date != y.date) return x.date > y.date;
      if (x.title != y.title) return x.title < y.title;
      return pages_[a].out_path < pages_[b].out_path;
    });
    for (size_t i : briefings_) by_slug_[pages_[i].page.slug] = i;
    if (cache_ != nullptr) {
      base_key_ = BaseKey();
      keys_.resize(pages_.size());
      card_keys_.resize(pages_.size());
      (void)ParallelFor(pages_.size(), cfg_.threads, [&](size_t i) {
        keys_[i] = PageKey(pages_[i]);
        card_keys_[i] = CardKey(pages_[i]);
        return Status::Ok();
      });
    }
  }

  uint64_t KeyOf(size_t i) const { return cache_ ? keys_[i] : 0; }

  void CollectEntities() {
    page_entities_.resize(pages_.size());
    for (size_t i : briefings_) {
      const auto& p = pages_[i].page;
      std::vector<const EntityInfo*>& seen = page_entities_[i];
      for (const auto& e : p.entities) {
        if (e.slug.empty() ||
            std::any_of(seen.begin(), seen.end(), [&](const EntityInfo* x) { return x->slug == e.slug; }))
          continue;
        auto& info = entities_[e.slug];
        seen.push_back(&info);
        if (info.slug.empty()) {
          info.slug = e.slug;
          info.name = e.name;
          info.kind = e.kind;
        }
        info.count += e.count;
        info.pages.push_back(i);
      }
    }
    for (auto& [slug, info] : entities_) {
      info.index = static_cast<int>(entity_list_.size());
      entity_list_.push_back(&info);
    }
  }

  Value Toc(const markdown::RenderedMarkdown& r) {
    Value toc = Value::List();
    for (const auto& h : r.toc) {
      Value t = Value::Object();
      t.Set("id", h.id);
      t.Set("text", h.text);
      t.Set("level", std::to_string(h.level));
      toc.Push(t);
    }
    return toc;
  }

  Status Briefing(size_t i) {
    auto body = GetBody(i);
    core::Fingerprint key;
    if (cache_ != nullptr) {
      key.Add(keys_[i]);
      for (const auto& r : pages_[i].page.related) {
        auto it = by_slug_.find(r.slug);
        key.Add(it == by_slug_.end() ? uint64_t{0} : card_keys_[it->second]);  // shows title and URL
      }
    }
    return EmitKeyed("briefing", pages_[i].out_path, key.value(), [&] { return BriefingView(i, *WithHtml(i, body)); });
  }

  Value BriefingView(size_t i, const BuildCache::Impl::Body& body) {
    const auto& sp = pages_[i];
    const auto& p = sp.page;
    std::string root = RootPrefix(sp.out_path);
    Value v = Base(sp.out_path, p.title, "briefing");
    v.Set("title", p.title);
    v.Set("title_derived", p.title_derived);
    v.Set("date", p.date);
    v.Set("date_long", LongDate(p.date));
    v.Set("byline", p.byline);
    v.Set("publisher", p.publisher);
    v.Set("source_url", SafeUrl(p.source_url));
    v.Set("content_html", body.md.html);
    v.Set("toc", Toc(body.md));
    Value groups = Value::List();
    for (const auto& k : kKinds) {
      Value items = Value::List();
      for (const auto& e : p.entities) {
        if (e.kind != k.kind) continue;
        Value x = Value::Object();
        x.Set("name", e.name);
        x.Set("url", e.slug.empty() ? "" : root + "entities/" + e.slug + ".html");
        x.Set("count", std::to_string(e.count));
        items.Push(x);
      }
      if (items.size() == 0) continue;
      Value g = Value::Object();
      g.Set("label", k.title);
      g.Set("items", items);
      groups.Push(g);
    }
    v.Set("entity_groups", groups);
    Value kp = Value::List();
    for (const auto& k : p.keyphrases) kp.Push(k);
    v.Set("keyphrases", kp);
    Value rel = Value::List();
    for (const auto& r : p.related) {
      auto it = by_slug_.find(r.slug);
      if (it == by_slug_.end()) continue;  // the related briefing is gone
      Value x = Value::Object();
      x.Set("title", pages_[it->second].page.title);
      x.Set("url", root + pages_[it->second].out_path);
      x.Set("shared", Join(r.shared, ", "));
      char buf[16];
      std::snprintf(buf, sizeof buf, "%.2f", r.score);
      x.Set("score", buf);
      rel.Push(x);
    }
    v.Set("related", rel);
    return v;
  }

  Status HandWritten(size_t i) {
    auto body = GetBody(i);
    return EmitKeyed("page", pages_[i].out_path, KeyOf(i), [&] {
      body = WithHtml(i, body);
      const auto& sp = pages_[i];
      Value v = Base(sp.out_path, sp.page.title, "page");
      v.Set("title", sp.page.title);
      v.Set("content_html", body->md.html);
      v.Set("toc", Toc(body->md));
      return v;
    });
  }

  // ---- entity pages ----------------------------------------------------------

  Status EntityPage(const EntityInfo& e) {
    std::string out = "entities/" + e.slug + ".html";
    // The entities named in the most of the same briefings, counted by
    // entity index (slug order, so ties by index are ties by slug).
    thread_local std::vector<int> shared;  // entity index -> briefings shared
    thread_local std::vector<std::pair<int, int>> top;  // (-shared, index)
    if (shared.size() < entities_.size()) shared.assign(entities_.size(), 0);
    top.clear();
    for (size_t i : e.pages)
      for (const EntityInfo* o : page_entities_[i])
        if (o != &e && shared[o->index]++ == 0) top.emplace_back(0, o->index);
    for (auto& [n, k] : top) {
      n = -shared[k];
      shared[k] = 0;
    }
    const size_t keep = std::min<size_t>(top.size(), 12);
    std::partial_sort(top.begin(), top.begin() + keep, top.end());
    std::vector<std::pair<int, const EntityInfo*>> co;
    for (size_t k = 0; k < keep; ++k) co.emplace_back(top[k].first, entity_list_[top[k].second]);
    core::Fingerprint key;
    if (cache_ != nullptr) {
      key.Add(e.name).Add(e.kind).Add(e.slug).Add(e.count).Add(static_cast<uint64_t>(e.pages.size()));
      for (size_t i : e.pages) key.Add(card_keys_[i]);
      for (const auto& [n, other] : co) key.Add(n).Add(other->slug).Add(other->name);
    }
    return EmitKeyed("entity", out, key.value(), [&] { return EntityView(e, out, co); });
  }

  Value EntityView(const EntityInfo& e, const std::string& out,
                   const std::vector<std::pair<int, const EntityInfo*>>& co) {
    std::string root = RootPrefix(out);
    const KindInfo& k = Kind(e.kind);
    Value v = Base(out, e.name, "entity");
    v.Set("name", e.name);
    v.Set("kind_label", k.label);
    v.Set("kind_title", k.title);
    v.Set("kind_url", root + k.file);
    v.Set("count", std::to_string(e.count));
    v.Set("briefing_count", std::to_string(e.pages.size()));
    std::vector<size_t> dated, undated;
    for (size_t i : e.pages) (ValidIsoDate(pages_[i].page.date) ? dated : undated).push_back(i);
    std::stable_sort(dated.begin(), dated.end(), [&](size_t a, size_t b) {
      return pages_[a].page.date < pages_[b].page.date;
    });
    Value tl = Value::List(), un = Value::List();
    bool summaries = e.pages.size() <= kFullCards;
    for (size_t i : dated) tl.Push(Card(i, out, summaries));
    for (size_t i : undated) un.Push(Card(i, out, summaries));
    v.Set("timeline", tl);
    v.Set("undated", un);
    v.Set("has_undated", !undated.empty());
    Value cv = Value::List();
    for (const auto& [n, other_ptr] : co) {
      const EntityInfo& other = *other_ptr;
      Value x = Value::Object();
      x.Set("name", other.name);
      x.Set("url", root + "entities/" + other.slug + ".html");
      x.Set("count", std::to_string(-n));
      cv.Push(x);
    }
    v.Set("co_entities", cv);
    return v;
  }

  Status KindIndex(const KindInfo& k) {
    std::vector<const EntityInfo*> list;
    for (const auto& [slug, e] : entities_)
      if (Kind(e.kind).kind == std::string(k.kind)) list.push_back(&e);
    std::sort(list.begin(), list.end(), [](const EntityInfo* a, const EntityInfo* b) {
      std::string x = core::ToLowerAscii(a->name), y = core::ToLowerAscii(b->name);
      return x != y ? x < y : a->slug < b->slug;
    });
    core::Fingerprint key;
    if (cache_ != nullptr) {
      key.Add(k.kind);
      for (const auto* e : list) key.Add(e->name).Add(e->slug).Add(e->count).Add(static_cast<uint64_t>(e->pages.size()));
    }
    return EmitKeyed("entities", k.file, key.value(), [&] {
      Value v = Base(k.file, k.title, "entities");
      v.Set("title", k.title);
      v.Set("total", std::to_string(list.size()));
      Value groups = Value::List();
      std::string letter;
      Value current;
      auto flush = [&] {
        if (letter.empty()) return;
        Value g = Value::Object();
        g.Set("letter", letter);
        g.Set("entities", current);
        groups.Push(g);
      };
      for (const auto* e : list) {
        char c = e->name.empty() ? '#' : e->name[0];
        std::string l = (c >= 'a' && c <= 'z') ? std::string(1, c - 32) : (c >= 'A' && c <= 'Z') ? std::string(1, c) : "#";
        if (l != letter) {
          flush();
          letter = l;
          current = Value::List();
        }
        Value x = Value::Object();
        x.Set("name", e->name);
        x.Set("url", "entities/" + e->slug + ".html");
        x.Set("count", std::to_string(e->count));
        x.Set("briefing_count", std::to_string(e->pages.size()));
        current.Push(x);
      }
      flush();
      v.Set("groups", groups);
      return v;
    });
  }

  // ---- lists -------------------------------------------------------------------

  Status Home() {
    core::Fingerprint key;
    if (cache_ != nullptr) {
      key.Add(in_.home_intro->title).Add(in_.home_intro->body);
      for (size_t j = 0; j < briefings_.size() && static_cast<int>(j) < cfg_.home_briefings; ++j)
        key.Add(card_keys_[briefings_[j]]);
    }
    return EmitKeyed("index", "index.html", key.value(), [&] {
      Value v = Base("index.html", cfg_.title, "home");
      if (!in_.home_intro->body.empty() || !in_.home_intro->title.empty())
        v.Set("intro_html", markdown::Render(in_.home_intro->body, {}).html);
      Value cards = Value::List();
      for (size_t j = 0; j < briefings_.size() && static_cast<int>(j) < cfg_.home_briefings; ++j)
        cards.Push(Card(briefings_[j], "index.html"));
      v.Set("briefings", cards);
      v.Set("more_url", "timeline.html");
      return v;
    });
  }

  Status Timeline() {
    core::Fingerprint key;
    if (cache_ != nullptr)
      for (size_t i : briefings_) key.Add(card_keys_[i]);
    return EmitKeyed("timeline", "timeline.html", key.value(), [&] {
      Value v = Base("timeline.html", "Timeline", "timeline");
      Value years = Value::List(), undated = Value::List();
      std::string year, month;
      Value y, months, m, cards;
      auto flush_month = [&] {
        if (month.empty()) return;
        m = Value::Object();
        m.Set("label", MonthLabel(month));
        m.Set("briefings", cards);
        months.Push(m);
        cards = Value::List();
      };
      auto flush_year = [&] {
        flush_month();
        if (year.empty()) return;
        y = Value::Object();
        y.Set("year", year);
        y.Set("months", months);
        years.Push(y);
        months = Value::List();
      };
      cards = Value::List();
      months = Value::List();
      for (size_t i : briefings_) {
        const auto& d = pages_[i].page.date;
        if (!ValidIsoDate(d)) {
          undated.Push(Card(i, "timeline.html", briefings_.size() <= kFullCards));
          continue;
        }
        if (d.substr(0, 4) != year) {
          flush_year();
          year = d.substr(0, 4);
          month.clear();
        }
        if (d.substr(0, 7) != month) {
          flush_month();
          month = d.substr(0, 7);
        }
        cards.Push(Card(i, "timeline.html", briefings_.size() <= kFullCards));
      }
      flush_year();
      v.Set("years", years);
      v.Set("undated", undated);
      v.Set("has_undated", undated.size() > 0);
      return v;
    });
  }

  Status Sources() {
    std::map<std::string, std::vector<size_t>> by;
    for (size_t i : briefings_) {
      const auto& p = pages_[i].page;
      by[p.publisher.empty() ? "Unknown publisher" : p.publisher].push_back(i);
    }
    core::Fingerprint key;
    if (cache_ != nullptr)
      for (size_t i : briefings_) key.Add(card_keys_[i]);
    return EmitKeyed("sources", "sources.html", key.value(), [&] {
      Value v = Base("sources.html", "Sources", "sources");
      Value pubs = Value::List();
      for (const auto& [name, list] : by) {
        Value x = Value::Object();
        x.Set("name", name);
        x.Set("count", std::to_string(list.size()));
        Value cards = Value::List();
        for (size_t i : list) cards.Push(Card(i, "sources.html", briefings_.size() <= kFullCards));
        x.Set("briefings", cards);
        pubs.Push(x);
      }
      v.Set("publishers", pubs);
      return v;
    });
  }

  Status Simple(const std::string& tmpl, const std::string& out, const std::string& title) {
    return EmitKeyed(tmpl, out, core::Fingerprint().Add(title).value(), [&] { return Base(out, title, tmpl); });
  }

  Status Assets() {
    for (const auto& [rel, from] : in_.theme->static_files) {
      Status st = writer_->Copy(rel, from);
      if (!st.ok()) return st;
    }
    std::error_code ec;
    if (!fs::exists(DOSSIER_LUNR_JS, ec))
      return Status::NotFound("lunr.js not found (install Debian's libjs-lunr: scripts/install-deps)", {DOSSIER_LUNR_JS});
    return writer_->Copy("assets/lunr.min.js", DOSSIER_LUNR_JS);
  }

  // ---- feeds and search ------------------------------------------------------

  std::string SafeUrl(const std::string& u) {
    return core::StartsWith(u, "http://") || core::StartsWith(u, "https://") ? u : "";
  }

  std::string Absolute(const std::string& path) { return cfg_.base_url.empty() ? path : cfg_.base_url + path; }

  Status Feed();
  Status Sitemap();
  Status SearchIndex();

  const RenderInput& in_;
  const config::SiteConfig& cfg_;
  std::vector<SitePage>& pages_;
  SiteWriter* writer_;
  BuildReport* report_;
  core::Diagnostics* diags_;
  std::vector<std::string> search_text_;  // per page: the text indexed as `body`
  BuildCache::Impl* cache_ = in_.options->cache ? &in_.options->cache->impl() : nullptr;
  uint64_t base_key_ = 0;       // with cache_: BaseKey()
  std::vector<uint64_t> keys_;       // with cache_: PageKey() of every page
  std::vector<uint64_t> card_keys_;  // with cache_: CardKey() of every page
  std::vector<size_t> briefings_;  // newest first
  std::map<std::string, size_t> by_slug_;
  std::map<std::string, EntityInfo> entities_;  // by slug
  std::vector<std::vector<const EntityInfo*>> page_entities_;  // per briefing: its entity pages, once each
  std::vector<const EntityInfo*> entity_list_;                 // entities_ in slug order
  std::vector<const SitePage*> menu_pages_;
  std::atomic<size_t> pages_written_{0};
  size_t total_pages_ = 0;
  std::mutex progress_mutex_;
};

}  // namespace
}  // namespace dossier::pipeline

#include "pipeline/outputs.inc"

namespace dossier::pipeline {

Status RenderSite(const RenderInput& in, SiteWriter* writer, BuildReport* report, core::Diagnostics* diagnostics) {
  SiteBuilder b(in, writer, report, diagnostics);
  return b.Run();
}

}  // namespace dossier::pipeline
