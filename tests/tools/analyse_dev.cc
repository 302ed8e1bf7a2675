// Developer driver for the analysis stage (no CLI needed):
//   analyse_dev IN_DIR OUT_DIR [--ratio R] [--threads N] [--repeat N] [--dump]
// IN_DIR holds <cat>/<name>.txt or <name>.txt articles (first non-empty line =
// headline, paragraphs separated by blank lines; non-UTF-8 files are decoded
// as Windows-1252). Writes OUT_DIR/summaries/<id>.txt (one summary sentence
// per line, article order), OUT_DIR/related.json ({id: [ids best first]}) and
// with --dump OUT_DIR/analysis.json (everything). Prints timing to stderr.
// Tuning knobs for experiments come from the environment (DOSSIER_TUNE_*).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "analyse/analyse.h"
#include "analyse/analyse_internal.h"
#include "core/core.h"

namespace fs = std::filesystem;
using namespace dossier;

namespace {

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

analyse::Document Parse(const std::string& id, std::string text) {
  if (!core::IsValidUtf8(text)) text = core::Windows1252ToUtf8(text);
  text = core::NormalizeNewlines(text);
  analyse::Document d;
  d.id = id;
  std::vector<std::string> lines = core::SplitLines(text);
  // Line 1 is the headline (an empty line 1 = no headline).
  size_t i = 0;
  if (!lines.empty()) d.title = std::string(core::Trim(lines[i++]));
  std::string cur;
  for (; i <= lines.size(); ++i) {
    if (i == lines.size() || core::Trim(lines[i]).empty()) {
      if (!cur.empty()) d.paragraphs.push_back(core::CollapseWhitespace(cur));
      cur.clear();
    } else {
      cur += " " + lines[i];
    }
  }
  return d;
}

std::string Json(const std::string& s) {
  std::string o = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      o.push_back('\\');
      o.push_back(static_cast<char>(c));
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      o += buf;
    } else {
      o.push_back(static_cast<char>(c));
    }
  }
  return o + "\"";
}

double EnvD(const char* name, double def) {
  const char* v = std::getenv(name);
  return v ? std::atof(v) : def;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: analyse_dev IN_DIR OUT_DIR [--ratio R] [--threads N] [--repeat N] [--dump]\n";
    return 2;
  }
  fs::path in_dir = argv[1], out_dir = argv[2];
  analyse::AnalyseOptions opt;
  int repeat = 1;
  bool dump = false;
  for (int i = 3; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--ratio" && i + 1 < argc) opt.summary_ratio = std::atof(argv[++i]);
    else if (a == "--threads" && i + 1 < argc) opt.threads = std::atoi(argv[++i]);
    else if (a == "--repeat" && i + 1 < argc) repeat = std::atoi(argv[++i]);
    else if (a == "--dump") dump = true;
  }
  auto& st = analyse::internal::Tuning();
  st.title_weight = EnvD("DOSSIER_TUNE_TITLE", st.title_weight);
  st.position_weight = EnvD("DOSSIER_TUNE_POSITION", st.position_weight);
  st.redundancy = EnvD("DOSSIER_TUNE_REDUNDANCY", st.redundancy);
  auto& rt = analyse::internal::RTuning();
  rt.entity_weight = EnvD("DOSSIER_TUNE_ENTITY", rt.entity_weight);
  rt.phrase_weight = EnvD("DOSSIER_TUNE_PHRASE", rt.phrase_weight);
  rt.max_df_ratio = EnvD("DOSSIER_TUNE_MAXDF", rt.max_df_ratio);
  rt.smooth_idf = EnvD("DOSSIER_TUNE_SMOOTHIDF", rt.smooth_idf ? 1 : 0) != 0;
  rt.hub_penalty = EnvD("DOSSIER_TUNE_HUB", rt.hub_penalty);
  rt.snn = EnvD("DOSSIER_TUNE_SNN", rt.snn);
  rt.pool = static_cast<int>(EnvD("DOSSIER_TUNE_POOL", rt.pool));
  rt.idf_power = EnvD("DOSSIER_TUNE_IDFPOW", rt.idf_power);
  rt.query_max = static_cast<int>(EnvD("DOSSIER_TUNE_QMAX", rt.query_max));
  rt.first_query_max = static_cast<int>(EnvD("DOSSIER_TUNE_FQMAX", rt.first_query_max));
  rt.max_postings = static_cast<int>(EnvD("DOSSIER_TUNE_MAXPOST", rt.max_postings));
  rt.smooth = EnvD("DOSSIER_TUNE_SMOOTH", rt.smooth);
  rt.smooth_k = static_cast<int>(EnvD("DOSSIER_TUNE_SMOOTHK", rt.smooth_k));

  std::vector<analyse::Document> docs;
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(in_dir)) {
    if (e.is_regular_file() && e.path().extension() == ".txt") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& p : files) {
    std::string id = core::GenericString(fs::relative(p, in_dir).replace_extension(""));
    docs.push_back(Parse(id, Slurp(p)));
  }
  core::Diagnostics diags;
  std::vector<analyse::ArticleAnalysis> res;
  double best = 1e9;
  for (int r = 0; r < std::max(1, repeat); ++r) {
    auto t0 = std::chrono::steady_clock::now();
    core::Diagnostics d2;
    res = analyse::Analyse(docs, opt, &d2);
    auto t1 = std::chrono::steady_clock::now();
    best = std::min(best, std::chrono::duration<double>(t1 - t0).count());
    diags = d2;
  }
  std::cerr << "analysed " << docs.size() << " documents in " << best * 1000 << " ms (best of " << repeat
            << ")\n";
  for (const auto& d : diags.items()) std::cerr << d.ToString() << "\n";

  std::string rel = "{\n";
  for (size_t i = 0; i < res.size(); ++i) {
    const auto& a = res[i];
    std::string s;
    for (int k : a.summary) s += a.sentences[k].text + "\n";
    fs::path sp = out_dir / "summaries" / (a.id + ".txt");
    fs::create_directories(sp.parent_path());
    std::ofstream(sp, std::ios::binary) << s;
    rel += "  " + Json(a.id) + ": [";
    for (size_t k = 0; k < a.related.size(); ++k) rel += (k ? ", " : "") + Json(a.related[k].id);
    rel += std::string("]") + (i + 1 < res.size() ? "," : "") + "\n";
  }
  rel += "}\n";
  fs::create_directories(out_dir);
  std::ofstream(out_dir / "related.json", std::ios::binary) << rel;
  if (dump) {
    std::ostringstream o;
    for (const auto& a : res) {
      o << "== " << a.id << "\n";
      o << "summary:";
      for (int k : a.summary) o << " " << k;
      o << "\nkey_points:";
      for (int k : a.key_points) o << " " << k;
      o << "\nkeyphrases:";
      for (const auto& k : a.keyphrases) o << " [" << k.text << " " << k.weight << "]";
      o << "\nentities:\n";
      for (const auto& e : a.entities) {
        o << "  " << e.name << " (" << e.kind << ") x" << e.count << " {";
        for (size_t k = 0; k < e.variants.size(); ++k) o << (k ? "; " : "") << e.variants[k];
        o << "}\n";
      }
      o << "quotes:\n";
      for (const auto& q : a.quotes) o << "  [" << q.sentence << "] " << q.speaker << ": " << q.text << "\n";
      o << "related:\n";
      for (const auto& r : a.related) {
        o << "  " << r.id << " " << r.score << " {";
        for (size_t k = 0; k < r.shared.size(); ++k) o << (k ? "; " : "") << r.shared[k];
        o << "}\n";
      }
    }
    std::ofstream(out_dir / "analysis.txt", std::ios::binary) << o.str();
  }
  return 0;
}
