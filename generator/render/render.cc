#include "render/render.h"

#include <kainjow/mustache.hpp>

#include <atomic>
#include <regex>

namespace dossier::render {
namespace {

namespace fs = std::filesystem;
using kainjow::mustache::data;
using kainjow::mustache::mustache;
using core::Status;

data ToData(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNull: return data(false);
    case Value::Kind::kString:  // "" is false, so {{#x}} hides an absent value
      return v.str().empty() ? data(false) : data(v.str());
    case Value::Kind::kBool: return data(v.boolean());
    case Value::Kind::kList: {
      data list = data::type::list;
      for (const auto& item : v.items()) list.push_back(ToData(item));
      return list;
    }
    case Value::Kind::kObject: {
      data obj = data::type::object;
      for (const auto& [k, item] : v.fields()) obj[k] = ToData(item);  // moved in, not deep-copied
      return obj;
    }
  }
  return data(false);
}

// kainjow reports "... at N" (a byte offset); turn it into file:line:col.
Status TemplateError(const std::string& path, const std::string& text, const std::string& message) {
  static const std::regex kAt(R"( at (\d+)$)");
  std::smatch m;
  core::SourceLocation loc{path};
  std::string msg = message;
  if (std::regex_search(message, m, kAt)) {
    loc = core::LocationAt(path, text, std::stoul(m[1]));
    msg = message.substr(0, m.position(0));
  }
  return Status::Invalid("template error: " + msg, loc);
}

Status LoadDir(const fs::path& dir, const std::string& kind, std::map<std::string, std::string>* out,
               std::map<std::string, std::string>* paths) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return Status::Ok();
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_regular_file() && e.path().extension() == ".mustache") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    std::string text;
    Status st = core::ReadFile(f, &text);
    if (!st.ok()) return st;
    std::string name = f.stem().string();
    (*out)[name] = text;
    (*paths)[kind + "/" + name] = core::GenericString(f);
  }
  return Status::Ok();
}

void LoadStatic(const fs::path& dir, std::map<std::string, fs::path>* out) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return;
  for (fs::recursive_directory_iterator it(dir, ec), end; it != end; it.increment(ec)) {
    if (ec) break;
    if (!it->is_regular_file()) continue;
    std::string rel = core::GenericString(it->path().lexically_relative(dir));
    if (rel.empty() || rel[0] == '.') continue;
    (*out)[rel] = it->path();
  }
}

// Replaces {{> name}} with the partial's text (recursively, bounded), so a
// page render parses every partial once rather than at each inclusion.
std::string InlinePartials(const std::string& text, const Theme& theme, int depth) {
  static const std::regex kPartial(R"(\{\{>\s*([A-Za-z0-9_.-]+)\s*\}\})");
  if (depth > 8 || text.find("{{>") == std::string::npos) return text;
  std::string out;
  auto begin = std::sregex_iterator(text.begin(), text.end(), kPartial);
  size_t at = 0;
  for (auto m = begin; m != std::sregex_iterator(); ++m) {
    out += text.substr(at, m->position(0) - at);
    auto p = theme.partials.find((*m)[1].str());
    if (p != theme.partials.end()) out += InlinePartials(p->second, theme, depth + 1);
    at = m->position(0) + m->length(0);
  }
  return out + text.substr(at);
}

struct CompiledCache {
  uint64_t theme_id = 0;
  std::map<std::string, std::unique_ptr<mustache>> templates;
};

mustache* Compiled(const Theme& theme, const std::string& name, const std::string& text) {
  thread_local CompiledCache cache;
  if (cache.theme_id != theme.id) {
    cache.templates.clear();
    cache.theme_id = theme.id;
  }
  auto& slot = cache.templates[name];
  if (!slot) slot = std::make_unique<mustache>(InlinePartials(text, theme, 0));
  return slot.get();
}

}  // namespace

Value& Value::Set(const std::string& key, Value v) {
  kind_ = Kind::kObject;
  for (auto& [k, existing] : fields_)
    if (k == key) return existing = std::move(v);
  fields_.emplace_back(key, std::move(v));
  return fields_.back().second;
}

Value& Value::Push(Value v) {
  kind_ = Kind::kList;
  items_.push_back(std::move(v));
  return items_.back();
}

Status LoadTheme(const fs::path& themes_root, const std::string& name, const fs::path& override_dir, Theme* theme) {
  fs::path dir = themes_root / name;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(themes_root, ec))
      if (e.is_directory()) names.push_back(e.path().filename().string());
    std::string hint = core::DidYouMean(name, names);
    return Status::NotFound("theme '" + name + "' not found in " + core::GenericString(themes_root) +
                            (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
  }
  theme->name = name;
  // A fresh id per load: threads that compiled an earlier load of the theme
  // (a long-running serve) must not reuse those templates after an edit.
  static std::atomic<uint64_t> next_id{0};
  theme->id = ++next_id;
  // The theme, then the site's override folder: override_dir/*.mustache,
  // override_dir/partials/*.mustache and override_dir/static/.
  for (const fs::path& base : {dir, override_dir}) {
    if (base.empty()) continue;
    Status st = LoadDir(base == dir ? base / "templates" : base, "templates", &theme->templates, &theme->source_paths);
    if (!st.ok()) return st;
    st = LoadDir(base / "partials", "partials", &theme->partials, &theme->source_paths);
    if (!st.ok()) return st;
    LoadStatic(base / "static", &theme->static_files);
  }
  for (const auto* group : {&theme->templates, &theme->partials}) {
    const char* kind = group == &theme->templates ? "templates/" : "partials/";
    for (const auto& [n, text] : *group) {
      mustache tmpl(text);
      if (!tmpl.is_valid()) return TemplateError(theme->source_paths[kind + n], text, tmpl.error_message());
    }
  }
  return Status::Ok();
}

Status RenderTemplate(const Theme& theme, const std::string& template_name, const Value& view, std::string* out) {
  auto it = theme.templates.find(template_name);
  if (it == theme.templates.end())
    return Status::NotFound("theme '" + theme.name + "' has no template '" + template_name + ".mustache'");
  mustache* tmpl = Compiled(theme, template_name, it->second);
  auto p = theme.source_paths.find("templates/" + template_name);
  std::string path = p == theme.source_paths.end() ? template_name : p->second;
  if (!tmpl->is_valid()) return TemplateError(path, it->second, tmpl->error_message());
  *out = tmpl->render(ToData(view));
  if (!tmpl->is_valid()) return TemplateError(path, it->second, tmpl->error_message());
  return Status::Ok();
}

}  // namespace dossier::render
