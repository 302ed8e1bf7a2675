#include "config/config.h"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <functional>
#include <map>

namespace dossier::config {
namespace {

using core::Status;

core::SourceLocation Loc(const std::string& path, const YAML::Mark& m) {
  return {path, m.line + 1, m.column + 1};
}

struct Field {
  std::function<Status(const YAML::Node&, const std::string&)> decode;
};

Status TypeError(const std::string& path, const YAML::Node& v, const std::string& key, const std::string& want) {
  return Status::Invalid("'" + key + "' must be " + want, Loc(path, v.Mark()));
}

Status GetString(const YAML::Node& v, const std::string& path, const std::string& key, std::string* out) {
  if (!v.IsScalar()) return TypeError(path, v, key, "a string");
  *out = v.Scalar();
  return Status::Ok();
}

Status GetInt(const YAML::Node& v, const std::string& path, const std::string& key, int lo, int hi, int* out) {
  int x = 0;
  if (!v.IsScalar() || !YAML::convert<int>::decode(v, x) || v.Tag() == "!")
    return TypeError(path, v, key, "a whole number");
  if (x < lo || x > hi)
    return Status::Invalid("'" + key + "' must be between " + std::to_string(lo) + " and " + std::to_string(hi) +
                               ", not " + std::to_string(x),
                           Loc(path, v.Mark()));
  *out = x;
  return Status::Ok();
}

Status GetDouble(const YAML::Node& v, const std::string& path, const std::string& key, double lo, double hi,
                 double* out) {
  double x = 0;
  if (!v.IsScalar() || !YAML::convert<double>::decode(v, x) || std::isnan(x) || v.Tag() == "!")
    return TypeError(path, v, key, "a number");
  if (x < lo || x > hi)
    return Status::Invalid("'" + key + "' must be between " + core::ToLowerAscii(std::to_string(lo)) + " and " +
                               std::to_string(hi) + ", not " + v.Scalar(),
                           Loc(path, v.Mark()));
  *out = x;
  return Status::Ok();
}

using Decoder = std::function<Status(const YAML::Node&, const std::string& path, const std::string& key)>;

Status DecodeMap(const YAML::Node& node, const std::string& path, const std::string& prefix,
                 const std::map<std::string, Decoder>& fields) {
  if (!node.IsMap()) return TypeError(path, node, prefix.empty() ? "the config" : prefix, "a mapping of keys to values");
  std::vector<std::string> names;
  for (const auto& [k, _] : fields) names.push_back(k);
  for (auto it = node.begin(); it != node.end(); ++it) {
    std::string key = it->first.Scalar();
    std::string full = prefix.empty() ? key : prefix + "." + key;
    auto f = fields.find(key);
    if (f == fields.end()) {
      std::string hint = core::DidYouMean(key, names);
      return Status::Invalid("unknown key '" + full + "'" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)"),
                             Loc(path, it->first.Mark()));
    }
    Status st = f->second(it->second, path, full);
    if (!st.ok()) return st;
  }
  return Status::Ok();
}

Decoder Str(std::string* out) {
  return [out](const YAML::Node& v, const std::string& p, const std::string& k) { return GetString(v, p, k, out); };
}
Decoder Int(int* out, int lo, int hi) {
  return [=](const YAML::Node& v, const std::string& p, const std::string& k) { return GetInt(v, p, k, lo, hi, out); };
}
Decoder Dbl(double* out, double lo, double hi) {
  return [=](const YAML::Node& v, const std::string& p, const std::string& k) {
    return GetDouble(v, p, k, lo, hi, out);
  };
}
Decoder Section(std::map<std::string, Decoder> fields) {
  return [fields = std::move(fields)](const YAML::Node& v, const std::string& p, const std::string& k) {
    return DecodeMap(v, p, k, fields);
  };
}

}  // namespace

Status Parse(const std::string& text, const std::string& path, SiteConfig* c) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return Status::Invalid("malformed YAML: " + e.msg, Loc(path, e.mark));
  }
  if (root.IsNull()) return Status::Ok();
  std::map<std::string, Decoder> fields = {
      {"title", Str(&c->title)},
      {"description", Str(&c->description)},
      {"base_url", Str(&c->base_url)},
      {"language", Str(&c->language)},
      {"theme", Str(&c->theme)},
      {"author", Str(&c->author)},
      {"seeds", Str(&c->seeds_dir)},
      {"content", Str(&c->content_dir)},
      {"output", Str(&c->output_dir)},
      {"threads", Int(&c->threads, 0, 256)},
      {"summary", Section({{"ratio", Dbl(&c->summary_ratio, 0.01, 1.0)},
                           {"sentences", Int(&c->summary_sentences, 0, 1000)},
                           {"brief", Int(&c->brief_sentences, 1, 20)}})},
      {"related", Section({{"max", Int(&c->related_max, 0, 50)}, {"min_score", Dbl(&c->related_min_score, 0.0, 1.0)}})},
      {"entities", Section({{"min_mentions", Int(&c->entity_min_mentions, 1, 1000000)}})},
      {"home", Section({{"briefings", Int(&c->home_briefings, 1, 1000)}})},
      {"search", Section({{"budget_kb", Int(&c->search_budget_kb, 1, 1 << 20)}})},
      {"ingest", Section({{"max_article_mb", Int(&c->max_article_mb, 1, 4096)}})},
  };
  Status st = DecodeMap(root, path, "", fields);
  if (!st.ok()) return st;
  if (!c->base_url.empty() && !core::StartsWith(c->base_url, "http://") && !core::StartsWith(c->base_url, "https://"))
    return Status::Invalid("'base_url' must be an absolute http(s) URL such as https://example.org/briefings/, not '" +
                               c->base_url + "'",
                           Loc(path, root["base_url"].Mark()));
  if (!c->base_url.empty() && c->base_url.back() != '/') c->base_url += '/';
  if (c->theme.empty() || c->theme.find('/') != std::string::npos || c->theme.find("..") != std::string::npos)
    return Status::Invalid("'theme' must be the name of a folder in themes/, not '" + c->theme + "'",
                           Loc(path, root["theme"].Mark()));
  return Status::Ok();
}

Status Load(const std::string& path, bool required, SiteConfig* config) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    if (required) return Status::NotFound("config file not found", {path});
    return Status::Ok();
  }
  std::string text;
  Status st = core::ReadFile(path, &text);
  if (!st.ok()) return st;
  if (!core::IsValidUtf8(text)) return Status::Invalid("config file is not valid UTF-8", {path});
  return Parse(text, path, config);
}

}  // namespace dossier::config
