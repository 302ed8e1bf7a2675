// `dossier analyse`: one JSON object per article, sorted by id (the machine
// interface the quality evaluation reads), or a readable text report.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdio>

#include "cli/cli_internal.h"

namespace dossier::cli {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void Str(Writer& w, const std::string& s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }

void OptStr(Writer& w, const char* key, const std::string& s) {
  w.Key(key);
  if (s.empty()) w.Null();
  else Str(w, s);
}

void WriteArticle(Writer& w, const ingest::Article& a, const analyse::ArticleAnalysis& an) {
  w.StartObject();
  w.Key("id");
  Str(w, a.id);
  w.Key("title");
  Str(w, a.title);
  w.Key("title_derived");
  w.Bool(a.title_derived);
  OptStr(w, "byline", a.byline);
  OptStr(w, "date", a.date);
  OptStr(w, "source_url", a.source_url);
  OptStr(w, "publisher", a.publisher);
  w.Key("paragraphs");
  w.StartArray();
  for (const auto& p : a.paragraphs) Str(w, p);
  w.EndArray();
  w.Key("notes");
  w.StartArray();
  for (const auto& n : a.notes) Str(w, n);
  w.EndArray();
  w.Key("sentences");
  w.StartArray();
  for (const auto& s : an.sentences) Str(w, s.text);
  w.EndArray();
  w.Key("summary");
  w.StartArray();
  for (int i : an.summary) Str(w, an.sentences[i].text);
  w.EndArray();
  w.Key("ranking");
  w.StartArray();
  for (int i : an.ranking) w.Int(i);
  w.EndArray();
  w.Key("key_points");
  w.StartArray();
  for (int i : an.key_points) {
    w.StartObject();
    w.Key("sentence");
    w.Int(i);
    w.Key("text");
    Str(w, an.sentences[i].text);
    w.EndObject();
  }
  w.EndArray();
  w.Key("keyphrases");
  w.StartArray();
  for (const auto& k : an.keyphrases) Str(w, k.text);
  w.EndArray();
  w.Key("entities");
  w.StartArray();
  for (const auto& e : an.entities) {
    w.StartObject();
    w.Key("name");
    Str(w, e.name);
    w.Key("kind");
    Str(w, e.kind);
    w.Key("count");
    w.Int(e.count);
    w.Key("variants");
    w.StartArray();
    for (const auto& v : e.variants) Str(w, v);
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.Key("quotes");
  w.StartArray();
  for (const auto& q : an.quotes) {
    w.StartObject();
    OptStr(w, "speaker", q.speaker);
    w.Key("text");
    Str(w, q.text);
    w.Key("sentence");
    w.Int(q.sentence);
    w.EndObject();
  }
  w.EndArray();
  w.Key("related");
  w.StartArray();
  for (const auto& r : an.related) {
    w.StartObject();
    w.Key("id");
    Str(w, r.id);
    w.Key("score");
    w.Double(r.score);
    w.Key("shared");
    w.StartArray();
    for (const auto& s : r.shared) Str(w, s);
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

void WriteText(const ingest::Article& a, const analyse::ArticleAnalysis& an) {
  std::printf("== %s\n%s%s\n", a.id.c_str(), a.title.c_str(), a.title_derived ? " (derived)" : "");
  if (!a.byline.empty()) std::printf("by %s\n", a.byline.c_str());
  if (!a.date.empty()) std::printf("date %s\n", a.date.c_str());
  if (!a.source_url.empty()) std::printf("source %s (%s)\n", a.source_url.c_str(), a.publisher.c_str());
  std::printf("summary:\n");
  for (int i : an.summary) std::printf("  [%d] %s\n", i, an.sentences[i].text.c_str());
  std::printf("entities:\n");
  for (const auto& e : an.entities) std::printf("  %s (%s, %d)\n", e.name.c_str(), e.kind.c_str(), e.count);
  std::printf("quotes:\n");
  for (const auto& q : an.quotes) std::printf("  %s: %s\n", q.speaker.c_str(), q.text.c_str());
  std::printf("related:\n");
  for (const auto& r : an.related) std::printf("  %s %.3f\n", r.id.c_str(), r.score);
  std::printf("\n");
}

}  // namespace

int RunAnalyse(const CommonFlags& flags, const AnalyseFlags& af) {
  config::SiteConfig config;
  pipeline::BuildOptions options;
  int code = kExitOk;
  if (!Setup(flags, &config, &options, &code)) return code;
  if (af.summary_ratio > 0) {
    config.summary_ratio = af.summary_ratio;
    config.summary_sentences = 0;
  }
  if (af.summary_sentences > 0) config.summary_sentences = af.summary_sentences;
  std::vector<ingest::Article> articles;
  std::vector<analyse::ArticleAnalysis> analyses;
  core::Diagnostics diags;
  core::Status st = pipeline::LoadAndAnalyse(config, options, &articles, &analyses, &diags);
  PrintDiagnostics(&diags, flags.quiet);
  if (!st.ok()) {
    PrintError(st);
    return kExitError;
  }
  for (size_t i = 0; i < articles.size(); ++i) {
    if (af.format == "text") {
      WriteText(articles[i], analyses[i]);
      continue;
    }
    rapidjson::StringBuffer buf;
    Writer w(buf);
    WriteArticle(w, articles[i], analyses[i]);
    std::fwrite(buf.GetString(), 1, buf.GetSize(), stdout);
    std::fputc('\n', stdout);
  }
  std::fflush(stdout);
  if (diags.HasErrors() || (flags.strict && !diags.empty())) return kExitError;
  return kExitOk;
}

}  // namespace dossier::cli
