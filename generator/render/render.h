// render: themes and HTML assembly. Loads a theme (templates, partials,
// static files; a site-level templates/ folder overrides theme files of the
// same name), validates every template at load time, and renders views.
// The only includer of mustache.hpp. Knows nothing of cmark or articles:
// callers pass ready HTML fragments in views. Spec: docs/formats/theme.md.
#pragma once

#include <filesystem>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/core.h"

namespace dossier::render {

// A template view: a tree of strings, booleans, lists and objects.
class Value {
 public:
  enum class Kind { kNull, kString, kBool, kList, kObject };
  Value() = default;
  Value(const char* s) : kind_(Kind::kString), str_(s) {}  // NOLINT: views read naturally
  Value(std::string s) : kind_(Kind::kString), str_(std::move(s)) {}  // NOLINT
  Value(bool b) : kind_(Kind::kBool), bool_(b) {}  // NOLINT
  static Value List() { Value v; v.kind_ = Kind::kList; return v; }
  static Value Object() { Value v; v.kind_ = Kind::kObject; return v; }

  Value& Set(const std::string& key, Value v);  // makes this an object
  Value& Push(Value v);                         // makes this a list
  Kind kind() const { return kind_; }
  const std::string& str() const { return str_; }
  bool boolean() const { return bool_; }
  const std::vector<Value>& items() const { return items_; }
  const std::vector<std::pair<std::string, Value>>& fields() const { return fields_; }
  size_t size() const { return kind_ == Kind::kList ? items_.size() : fields_.size(); }

 private:
  Kind kind_ = Kind::kNull;
  std::string str_;
  bool bool_ = false;
  std::vector<Value> items_;
  std::vector<std::pair<std::string, Value>> fields_;
};

struct Theme {
  std::string name;
  uint64_t id = 0;  // unique per LoadTheme call; keys the compiled-template cache
  std::map<std::string, std::string> templates;      // name (no extension) -> text
  std::map<std::string, std::string> partials;       // name -> text
  std::map<std::string, std::string> source_paths;   // "templates/x" / "partials/x" -> file path for messages
  std::map<std::string, std::filesystem::path> static_files;  // site-relative path -> source file
};

// Loads themes_root/<name>/ with `override_dir` (may not exist) layered on
// top: override_dir/x.mustache replaces the theme's templates/x.mustache,
// override_dir/partials/ and override_dir/static/ likewise. Every template and partial is compiled; a syntax
// error names file:line:col.
core::Status LoadTheme(const std::filesystem::path& themes_root, const std::string& name,
                       const std::filesystem::path& override_dir, Theme* theme);

// Renders `template_name` with `view`. A render-time error names the
// template file. Thread-safe: each thread keeps its own compiled templates
// (partials inlined) for the theme it last used.
core::Status RenderTemplate(const Theme& theme, const std::string& template_name, const Value& view, std::string* out);

}  // namespace dossier::render
