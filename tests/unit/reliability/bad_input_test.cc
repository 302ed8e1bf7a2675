// The bad-input corpus (tests/bad-input/<case>/): each case is a set of files
// laid over a small project (the bundled seeds, theme, config and pages) and
// an `expect` file saying what `dossier build` must do with them. See
// tests/bad-input/README.md for the `expect` format.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <regex>
#include <chrono>
#include <deque>
#include <set>
#include <fstream>
#include <map>
#include <sstream>
#include <vector>

#include "support/test_support.h"

using dossier::test::ReadFileOrDie;
using dossier::test::RunDossier;
using dossier::test::SourcePath;
using dossier::test::TempDir;
using dossier::test::WriteFileOrDie;
namespace fs = std::filesystem;

namespace {

void MakeBaseProject(const fs::path& dir) {
  fs::copy(SourcePath("themes"), dir / "themes", fs::copy_options::recursive);
  fs::copy_file(SourcePath("dossier.yaml"), dir / "dossier.yaml");
  fs::create_directories(dir / "seeds");
  fs::create_directories(dir / "content");
  fs::copy(SourcePath("seeds"), dir / "seeds", fs::copy_options::recursive);
  fs::copy_file(SourcePath("content/about.md"), dir / "content/about.md");
  fs::copy_file(SourcePath("content/_index.md"), dir / "content/_index.md");
}

// Every regular file under `root` (symlinks not followed), path -> bytes.
std::map<std::string, std::string> Tree(const fs::path& root) {
  std::map<std::string, std::string> files;
  std::error_code ec;
  if (!fs::exists(root, ec)) return files;
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.is_regular_file() && !e.is_symlink())
      files[e.path().lexically_relative(root).generic_string()] = ReadFileOrDie(e.path());
  return files;
}

std::string Lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

// Generated inputs (too big, or too regular, to commit).
std::string Generate(const std::string& kind, size_t n) {
  std::string s;
  if (kind == "big-article") {  // n MiB of ordinary sentences
    s = "A very long article\n\n";
    const std::string para = "The committee met again on Tuesday and said the talks would continue. ";
    while (s.size() < (n << 20)) s += para;
  } else if (kind == "long-line") {  // one line of n bytes, words and no newline
    s = "Long line title\n\n";
    const std::string word = "word ";
    while (s.size() < n) s += word;
    s += "end.\n";
  } else if (kind == "nested-markdown") {  // n levels of quotes, lists, emphasis and brackets
    s = "Nested\n\n";
    for (size_t i = 0; i < n; ++i) s += "> ";
    s += "quoted\n\n";
    for (size_t i = 0; i < n; ++i) s += std::string(i * 2 % 200, ' ') + "- item\n";
    s += "\n" + std::string(n, '*') + "x" + std::string(n, '*') + "\n\n";
    s += std::string(n, '[') + "link" + std::string(n, ']') + "\n\n";
    s += std::string(n, '(') + std::string(n, ')') + "\n";
  } else if (kind == "nested-html") {  // n levels of open elements, then the closes
    s = "Nested HTML\n\n";
    for (size_t i = 0; i < n; ++i) s += "<div><span><b>";
    s += "deep text.";
    for (size_t i = 0; i < n; ++i) s += "</b></span></div>";
    s += "\n";
  } else {
    FAIL("unknown generator: " << kind);
  }
  return s;
}

std::vector<std::string> Words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> w;
  for (std::string x; in >> x;) w.push_back(x);
  return w;
}


struct Tag {
  std::string raw;
  std::string name;  // lower case, "/a" for a closing tag
  std::vector<std::pair<std::string, std::string>> attributes;  // lower-case name -> value as written
};

// Every tag of an HTML or XML file, parsed as a browser tokenizer would
// (quoted attribute values may hold '>' and other attribute-like text).
std::vector<Tag> Tags(const std::string& text) {
  std::vector<Tag> tags;
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; };
  for (size_t i = text.find('<'); i != std::string::npos; i = text.find('<', i + 1)) {
    size_t k = i + 1;
    Tag t;
    if (k < text.size() && text[k] == '/') t.name = "/", ++k;
    if (k >= text.size() || !std::isalpha(static_cast<unsigned char>(text[k]))) continue;
    while (k < text.size() && !space(text[k]) && text[k] != '>' && text[k] != '/') t.name += text[k++];
    for (;;) {
      while (k < text.size() && (space(text[k]) || text[k] == '/')) ++k;
      if (k >= text.size() || text[k] == '>') break;
      std::string name, value;
      while (k < text.size() && !space(text[k]) && text[k] != '=' && text[k] != '>' && text[k] != '/') name += text[k++];
      while (k < text.size() && space(text[k])) ++k;
      if (k < text.size() && text[k] == '=') {
        ++k;
        while (k < text.size() && space(text[k])) ++k;
        if (k < text.size() && (text[k] == '"' || text[k] == '\'')) {
          char q = text[k++];
          while (k < text.size() && text[k] != q) value += text[k++];
          ++k;
        } else {
          while (k < text.size() && !space(text[k]) && text[k] != '>') value += text[k++];
        }
      }
      t.attributes.emplace_back(Lower(name), value);
    }
    t.name = Lower(t.name);
    t.raw = text.substr(i, std::min(k, text.size() - 1) - i + 1);
    tags.push_back(std::move(t));
    i = std::min(k, text.size() - 1);
  }
  return tags;
}

// The injection cases put <script>, <img onerror>, <svg onload>, <iframe>,
// </textarea>, javascript:/data:/vbscript: links and quote-breaking
// attributes everywhere. None may arrive active: no element the theme does
// not write itself (script only as an external src, never iframe, svg,
// textarea…; a Markdown image is fine), no event-handler attribute, no
// script or data URL in a link or source; search-store.json and search-data.js hold no '<' at all.
void CheckInert(const fs::path& site) {
  static const std::set<std::string> kForbidden = {"iframe", "/iframe", "frame", "object", "embed", "textarea",
                                                   "/textarea", "svg", "math", "base", "style", "/script>"};
  auto files = Tree(site);
  REQUIRE(!files.empty());
  for (const auto& [rel, bytes] : files) {
    std::string ext = fs::path(rel).extension().string();
    INFO("site/" << rel);
    if (rel == "search-data.js" || rel == "search-store.json") {
      // Loaded as a script (file://) / JSON: '<' is always \u003c, so no
      // "</script>" or "<!--" can end or confuse an enclosing script.
      CHECK(bytes.find('<') == std::string::npos);
      continue;
    }
    if (ext != ".html" && ext != ".xml") continue;
    for (const Tag& tag : Tags(bytes)) {
      INFO(tag.raw);
      CHECK(kForbidden.count(tag.name) == 0);
      bool has_src = false;
      for (const auto& [name, value] : tag.attributes) {
        INFO(name << "=" << value);
        CHECK(name.rfind("on", 0) != 0);
        std::string v;
        for (char c : Lower(value))
          if (c > ' ') v += c;
        if (name == "href" || name == "src" || name == "action" || name == "formaction" || name == "xlink:href" ||
            name == "poster") {
          CHECK(v.rfind("javascript:", 0) != 0);
          CHECK(v.rfind("vbscript:", 0) != 0);
          CHECK(v.rfind("data:", 0) != 0);
        }
        if (name == "src") has_src = v.find(':') == std::string::npos && v.size() > 3 && v.substr(v.size() - 3) == ".js";
      }
      if (tag.name == "script") CHECK(has_src);  // the theme's own external scripts only
    }
  }
}

struct Case {
  std::string name;
  fs::path dir;
};

std::vector<Case> Cases() {
  std::vector<Case> cases;
  for (const auto& e : fs::directory_iterator(SourcePath("tests/bad-input")))
    if (e.is_directory() && fs::exists(e.path() / "expect")) cases.push_back({e.path().filename().string(), e.path()});
  std::sort(cases.begin(), cases.end(), [](const Case& a, const Case& b) { return a.name < b.name; });
  return cases;
}

void RunCase(const Case& c) {
  TempDir t;
  const fs::path project = t / "project";
  fs::create_directories(project);
  MakeBaseProject(project);
  // A folder outside the project that symlinks may point at.
  const fs::path outside = t / "outside";
  fs::create_directories(outside / "dir");
  WriteFileOrDie(outside / "secret.txt", "Secret title\n\nThis text lives outside the seeds folder. It must not be read.\n");
  WriteFileOrDie(outside / "dir/inner.txt", "Inner secret\n\nAlso outside the seeds folder and never read.\n");

  // Lay the case's files over the project.
  for (const auto& e : fs::recursive_directory_iterator(c.dir)) {
    fs::path rel = e.path().lexically_relative(c.dir);
    if (rel == "expect" || rel == "README.md") continue;
    if (e.is_directory()) {
      fs::create_directories(project / rel);
    } else {
      fs::create_directories((project / rel).parent_path());
      fs::copy_file(e.path(), project / rel, fs::copy_options::overwrite_existing);
    }
  }

  std::string args = "build";
  int want_exit = 0;
  double max_seconds = 60;
  std::vector<std::string> want_err, not_err, exists, missing, inert;
  std::vector<std::pair<std::string, std::string>> contains, not_contains;
  long briefings = -1;
  bool check_inert = false;
  std::istringstream expect(ReadFileOrDie(c.dir / "expect"));
  for (std::string line; std::getline(expect, line);) {
    if (line.empty() || line[0] == '#') continue;
    size_t colon = line.find(':');
    REQUIRE(colon != std::string::npos);
    std::string key = line.substr(0, colon), value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    if (key == "args") args = value;
    else if (key == "exit") want_exit = std::stoi(value);
    else if (key == "stderr") want_err.push_back(value);
    else if (key == "not-stderr") not_err.push_back(value);
    else if (key == "briefings") briefings = std::stol(value);
    else if (key == "exists") exists.push_back(value);
    else if (key == "missing") missing.push_back(value);
    else if (key == "inert") check_inert = value == "yes";
    else if (key == "max-seconds") max_seconds = std::stod(value);
    else if (key == "contains" || key == "not-contains") {
      size_t sp = value.find(' ');
      REQUIRE(sp != std::string::npos);
      (key == "contains" ? contains : not_contains).emplace_back(value.substr(0, sp), value.substr(sp + 1));
    } else if (key == "generate") {
      auto w = Words(value);  // generate: <path> <kind> <n>
      REQUIRE(w.size() == 3);
      WriteFileOrDie(project / w[0], Generate(w[1], std::stoul(w[2])));
    } else if (key == "symlink") {
      auto w = Words(value);  // symlink: <path> <target relative to the outside folder, or absolute>
      REQUIRE(w.size() == 2);
      fs::path target = fs::path(w[1]).is_absolute() ? fs::path(w[1]) : outside / w[1];
      fs::create_directories((project / w[0]).parent_path());
      fs::create_symlink(target, project / w[0]);
    } else {
      FAIL("unknown key in " << c.name << "/expect: " << key);
    }
  }

  auto seeds_before = Tree(project / "seeds");
  auto pages_before = Tree(project / "content");
  auto outside_before = Tree(outside);

  auto start = std::chrono::steady_clock::now();
  auto r = RunDossier(args, project);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  INFO("case " << c.name << "\nstderr:\n" << r.err.substr(0, 4000));
  CHECK(r.exit_code == want_exit);
  CHECK(seconds < max_seconds);
  for (const auto& s : want_err) CHECK(r.err.find(s) != std::string::npos);
  for (const auto& s : not_err) CHECK(r.err.find(s) == std::string::npos);
  if (briefings >= 0) CHECK(r.err.find("built " + std::to_string(briefings) + " briefings") != std::string::npos);
  for (const auto& p : exists) CHECK(fs::exists(project / p));
  for (const auto& p : missing) CHECK(!fs::exists(project / p));
  for (const auto& [p, s] : contains) {
    INFO(p << " should contain " << s);
    REQUIRE(fs::exists(project / p));
    CHECK(ReadFileOrDie(project / p).find(s) != std::string::npos);
  }
  for (const auto& [p, s] : not_contains) {
    INFO(p << " should not contain " << s);
    if (fs::exists(project / p)) CHECK(ReadFileOrDie(project / p).find(s) == std::string::npos);
  }
  // Nothing is lost: inputs are never modified, nothing outside is touched,
  // no temporary file is left behind.
  CHECK(Tree(project / "seeds") == seeds_before);
  auto pages_after = Tree(project / "content");
  for (const auto& [p, bytes] : pages_before) {
    INFO("content/" << p);
    CHECK(pages_after.count(p) == 1);
    if (pages_after.count(p)) CHECK(pages_after[p] == bytes);
  }
  CHECK(Tree(outside) == outside_before);
  for (const auto& e : fs::directory_iterator(project)) {
    std::string n = e.path().filename().string();
    INFO(n);
    CHECK(n.find(".tmp-") == std::string::npos);
    CHECK(n.find(".old-") == std::string::npos);
  }
  for (const auto& [p, bytes] : pages_after) {
    INFO("content/" << p);
    CHECK(p.find("dossier-tmp") == std::string::npos);
  }
  if (check_inert) CheckInert(project / "site");
  if (want_exit == 0 && fs::exists(project / "site")) {
    // The site stays inside site/: every file is a regular file in it.
    for (const auto& e : fs::recursive_directory_iterator(project / "site")) CHECK(!e.is_symlink());
    auto check = RunDossier("check", project);
    INFO("dossier check:\n" << check.out);
    CHECK(check.exit_code == 0);
  }
}

}  // namespace

// One CTest entry per case ("reliability: bad input: <case>"), registered
// from the folders of tests/bad-input/ when the test binary starts.
namespace {

class CaseInvoker : public Catch::ITestInvoker {
 public:
  explicit CaseInvoker(Case c) : case_(std::move(c)) {}
  void invoke() const override { RunCase(case_); }

 private:
  Case case_;
};

struct RegisterCases {
  RegisterCases() {
    static std::deque<std::string> names;
    for (const auto& c : Cases()) {
      names.push_back("reliability: bad input: " + c.name);
      Catch::AutoReg(new CaseInvoker(c), CATCH_INTERNAL_LINEINFO, Catch::StringRef(),
                     Catch::NameAndTags{Catch::StringRef(names.back()), "[reliability][bad-input]"});
    }
  }
} register_cases;

}  // namespace

TEST_CASE("reliability: the bad-input corpus has every case", "[reliability][bad-input]") {
  std::set<std::string> names;
  for (const auto& c : Cases()) names.insert(c.name);
  INFO("tests/bad-input/ lost cases");
  CHECK(names.size() >= 25);
}
