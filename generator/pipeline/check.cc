// `dossier check`: every internal link, anchor and asset of a built site.
#include <map>
#include <regex>
#include <set>

#include "pipeline/pipeline_internal.h"

namespace dossier::pipeline {
namespace {

std::string HtmlUnescape(std::string s) {
  static const std::pair<const char*, const char*> kEntities[] = {
      {"&amp;", "&"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&#x27;", "'"}, {"&#x2F;", "/"}};
  for (const auto& [from, to] : kEntities)
    for (size_t p = 0; (p = s.find(from, p)) != std::string::npos; p += std::string(to).size())
      s.replace(p, std::string(from).size(), to);
  return s;
}

std::string PercentDecode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

std::vector<std::string> CheckSite(const fs::path& site, const std::string& base_path) {
  static const std::regex kRef(R"re(\s(href|src)="([^"]*)")re");
  static const std::regex kId(R"re(\s(?:id|name)="([^"]*)")re");
  std::vector<std::string> problems;
  std::map<std::string, std::string> html;  // site path -> text
  std::set<std::string> files;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(site, ec), end; it != end; it.increment(ec)) {
    if (ec) break;
    if (!it->is_regular_file()) continue;
    std::string rel = core::GenericString(it->path().lexically_relative(site));
    files.insert(rel);
    if (it->path().extension() == ".html") {
      std::string text;
      if (core::ReadFile(it->path(), &text).ok()) html[rel] = std::move(text);
    }
  }
  if (!files.count("index.html")) problems.push_back("index.html: missing (is this a built site?)");
  std::map<std::string, std::set<std::string>> ids;
  auto ids_of = [&](const std::string& page) -> const std::set<std::string>& {
    auto it = ids.find(page);
    if (it != ids.end()) return it->second;
    auto& set = ids[page];
    const std::string& text = html[page];
    for (std::sregex_iterator m(text.begin(), text.end(), kId), e; m != e; ++m) set.insert(HtmlUnescape((*m)[1]));
    return set;
  };
  for (const auto& [page, text] : html) {
    fs::path dir = fs::path(page).parent_path();
    for (std::sregex_iterator m(text.begin(), text.end(), kRef), e; m != e; ++m) {
      std::string ref = HtmlUnescape((*m)[2]);
      if (ref.empty() || ref.find("://") != std::string::npos || ref.rfind("mailto:", 0) == 0 ||
          ref.rfind("data:", 0) == 0 || ref.rfind("javascript:", 0) == 0 || ref.rfind("tel:", 0) == 0)
        continue;
      fs::path from_dir = dir;
      if (ref[0] == '/') {
        std::string base = base_path.empty() || base_path.back() != '/' ? base_path + "/" : base_path;
        if (ref.rfind(base, 0) != 0) {
          problems.push_back(page + ": " + ref + " -> outside the base path " + base);
          continue;
        }
        ref = ref.substr(base.size());
        from_dir = "";
        if (ref.empty()) ref = "index.html";
      }
      std::string frag;
      size_t hash = ref.find('#');
      if (hash != std::string::npos) {
        frag = ref.substr(hash + 1);
        ref = ref.substr(0, hash);
      }
      size_t q = ref.find('?');
      if (q != std::string::npos) ref = ref.substr(0, q);
      std::string target = page;
      if (!ref.empty()) {
        fs::path t = (from_dir / PercentDecode(ref)).lexically_normal();
        target = core::GenericString(t);
        if (target.empty() || target == "." || target.back() == '/') target += (target.empty() || target == "." ? "" : "") + std::string("index.html");
        if (target == ".index.html") target = "index.html";
        if (core::StartsWith(target, "..")) {
          problems.push_back(page + ": " + (*m)[2].str() + " -> leaves the site");
          continue;
        }
        if (!files.count(target)) {
          problems.push_back(page + ": " + (*m)[2].str() + " -> missing file " + target);
          continue;
        }
      }
      if (!frag.empty() && html.count(target) && frag != "top" && !ids_of(target).count(PercentDecode(frag)))
        problems.push_back(page + ": " + (*m)[2].str() + " -> no element with id '" + frag + "' in " + target);
    }
  }
  return problems;
}

}  // namespace dossier::pipeline
