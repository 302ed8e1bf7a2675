// The content/ page format (docs/formats/briefing-page.md).
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <cstdio>

#include "compose/compose.h"

namespace dossier::compose {
namespace {

constexpr const char* kHashKey = "dossier_hash: ";
constexpr const char* kZeroHash = "0000000000000000";

std::string FormatScore(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", s);
  std::string r = buf;
  while (r.size() > 1 && r.back() == '0') r.pop_back();
  if (r.back() == '.') r.pop_back();
  return r;
}

// Front matter is written by hand, not with YAML::Emitter (28% of a build's
// instructions went to its regex-based scalar analysis): every string is a
// YAML double-quoted scalar, which any YAML reader takes literally.
std::string Quote(const std::string& v) {
  std::string out = "\"";
  for (size_t i = 0; i < v.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(v[i]);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7F) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02X", c);
          out += buf;
        } else if (c == 0xC2 && i + 1 < v.size() && static_cast<unsigned char>(v[i + 1]) == 0x85) {
          out += "\\u0085";  // NEL (yaml-cpp decodes "\\N" to a lone byte)
          ++i;
        } else if (c == 0xE2 && i + 2 < v.size() && static_cast<unsigned char>(v[i + 1]) == 0x80 &&
                   (static_cast<unsigned char>(v[i + 2]) == 0xA8 || static_cast<unsigned char>(v[i + 2]) == 0xA9)) {
          out += static_cast<unsigned char>(v[i + 2]) == 0xA8 ? "\\L" : "\\P";  // line/paragraph separators
          i += 2;
        } else if (c == 0xEF && i + 2 < v.size() && static_cast<unsigned char>(v[i + 1]) == 0xBB &&
                   static_cast<unsigned char>(v[i + 2]) == 0xBF) {
          out += "\\uFEFF";
          i += 2;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

void EmitList(std::string* out, const char* key, const std::vector<std::string>& items) {
  if (items.empty()) return;
  *out += std::string(key) + ":\n";
  for (const auto& s : items) *out += "  - " + Quote(s) + "\n";
}

void EmitStr(std::string* out, const char* key, const std::string& v) {
  if (!v.empty()) *out += std::string(key) + ": " + Quote(v) + "\n";
}

std::string KindKey(const std::string& kind) {
  if (kind == "person") return "people";
  if (kind == "organisation") return "organisations";
  if (kind == "place") return "places";
  return "topics";
}

std::string KindFromKey(const std::string& key) {
  if (key == "people") return "person";
  if (key == "organisations") return "organisation";
  if (key == "places") return "place";
  return "other";
}

// Replaces the value of the dossier_hash line with zeros.
bool BlankHash(const std::string& text, std::string* blanked, std::string* recorded) {
  size_t p = text.find(std::string("\n") + kHashKey);
  if (p == std::string::npos) return false;
  size_t v = p + 1 + std::string(kHashKey).size();
  size_t e = text.find('\n', v);
  if (e == std::string::npos) return false;
  *recorded = text.substr(v, e - v);
  *blanked = text.substr(0, v) + kZeroHash + text.substr(e);
  return true;
}

}  // namespace

std::string Serialize(const Page& p, bool generated) {
  std::string e;
  e.reserve(4096 + p.body.size() / 2);
  EmitStr(&e, "title", p.title);
  if (p.title_derived) e += "title_derived: true\n";
  EmitStr(&e, "slug", p.slug);
  EmitStr(&e, "date", p.date);
  EmitStr(&e, "byline", p.byline);
  EmitStr(&e, "byline_url", p.byline_url);
  EmitStr(&e, "source_url", p.source_url);
  EmitStr(&e, "publisher", p.publisher);
  EmitStr(&e, "description", p.description);
  if (p.menu) e += "menu: true\n";
  if (p.weight) e += "weight: " + std::to_string(p.weight) + "\n";
  EmitList(&e, "tags", p.tags);
  EmitList(&e, "summary", p.summary);
  if (!p.key_points.empty()) {
    e += "key_points:\n";
    for (const auto& k : p.key_points) e += "  - text: " + Quote(k.text) + "\n    anchor: " + Quote(k.anchor) + "\n";
  }
  if (!p.entities.empty()) {
    e += "entities:\n";
    for (const char* kind : {"person", "organisation", "place", "other"}) {
      bool any = false;
      for (const auto& x : p.entities) {
        if (x.kind != kind) continue;
        if (!any) e += "  " + KindKey(kind) + ":\n";
        any = true;
        e += "    - {name: " + Quote(x.name);
        if (!x.slug.empty()) e += ", slug: " + Quote(x.slug);
        e += ", count: " + std::to_string(x.count) + "}\n";
      }
    }
  }
  EmitList(&e, "keyphrases", p.keyphrases);
  if (!p.quotes.empty()) {
    e += "quotes:\n";
    for (const auto& q : p.quotes)
      e += "  - speaker: " + Quote(q.speaker) + "\n    text: " + Quote(q.text) + "\n    anchor: " + Quote(q.anchor) + "\n";
  }
  if (!p.related.empty()) {
    e += "related:\n";
    for (const auto& r : p.related) {
      e += "  - slug: " + Quote(r.slug) + "\n    title: " + Quote(r.title) + "\n    score: " + FormatScore(r.score) + "\n";
      if (!r.shared.empty()) {
        e += "    shared: [";
        for (size_t k = 0; k < r.shared.size(); ++k) e += (k ? ", " : "") + Quote(r.shared[k]);
        e += "]\n";
      }
    }
  }
  EmitList(&e, "notes", p.notes);
  EmitStr(&e, "seed", p.seed);
  EmitStr(&e, "seed_hash", p.seed_hash);
  std::string out = "---\n";
  if (generated)
    out += "# Generated by Dossier from seeds/" + p.seed +
           ". Edit freely: a hand-edited briefing is kept as it is\n# (rebuild with --force to regenerate it).\n";
  out += e;
  if (generated) out += std::string(kHashKey) + kZeroHash + "\n";
  out += "---\n\n" + p.body;
  if (!out.empty() && out.back() != '\n') out += '\n';
  if (generated) {
    std::string blanked, recorded;
    BlankHash(out, &blanked, &recorded);
    std::string h = core::HashHex(blanked);
    size_t v = out.find(std::string("\n") + kHashKey) + 1 + std::string(kHashKey).size();
    out.replace(v, 16, h);
  }
  return out;
}

FileState ClassifyFile(const std::string& text) {
  std::string blanked, recorded;
  if (!BlankHash(text, &blanked, &recorded)) return FileState::kHandWritten;
  return core::HashHex(blanked) == recorded ? FileState::kGenerated : FileState::kHandEdited;
}

core::Status ParsePage(const std::string& raw, const std::string& path, Page* p) {
  std::string text = core::NormalizeNewlines(raw);
  if (!core::IsValidUtf8(text)) return core::Status::Invalid("page is not valid UTF-8", {path});
  YAML::Node fm;
  p->body = text;
  p->body_line = 1;
  if (core::StartsWith(text, "---\n")) {
    size_t end = text.find("\n---", 3);
    while (end != std::string::npos && end + 4 < text.size() && text[end + 4] != '\n') end = text.find("\n---", end + 4);
    if (end == std::string::npos)
      return core::Status::Invalid("front matter is not closed by a '---' line", {path, 1, 1});
    std::string yaml = text.substr(4, end + 1 - 4);
    try {
      fm = YAML::Load(yaml);
    } catch (const YAML::Exception& ex) {
      return core::Status::Invalid("malformed front matter: " + ex.msg, {path, 2 + ex.mark.line, ex.mark.column + 1});
    }
    size_t body = std::min(text.size(), end + 5);
    p->body_line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + body, '\n'));
    p->body = text.substr(body);
    while (!p->body.empty() && p->body[0] == '\n') {
      p->body.erase(0, 1);
      ++p->body_line;
    }
  }
  if (fm.IsNull()) return core::Status::Ok();
  if (!fm.IsMap()) return core::Status::Invalid("front matter must be a mapping of keys to values", {path, 2, 1});
  auto loc = [&](const YAML::Node& n) { return core::SourceLocation{path, 2 + n.Mark().line, n.Mark().column + 1}; };
  auto str = [&](const YAML::Node& n, const char* key, std::string* out) -> core::Status {
    if (!n.IsScalar()) return core::Status::Invalid(std::string("'") + key + "' must be a string", loc(n));
    *out = n.Scalar();
    return core::Status::Ok();
  };
  auto strings = [&](const YAML::Node& n, const char* key, std::vector<std::string>* out) -> core::Status {
    if (n.IsScalar()) {
      out->push_back(n.Scalar());
      return core::Status::Ok();
    }
    if (!n.IsSequence()) return core::Status::Invalid(std::string("'") + key + "' must be a list", loc(n));
    for (const auto& x : n) {
      if (!x.IsScalar()) return core::Status::Invalid(std::string("'") + key + "' items must be strings", loc(x));
      out->push_back(x.Scalar());
    }
    return core::Status::Ok();
  };
  static const std::vector<std::string> kKeys = {
      "title", "title_derived", "slug", "date", "byline", "byline_url", "source_url", "publisher", "description",
      "menu", "weight", "tags", "summary", "key_points", "entities", "keyphrases", "quotes", "related", "notes",
      "seed", "seed_hash", "dossier_hash"};
  core::Status st;
  for (auto it = fm.begin(); it != fm.end(); ++it) {
    std::string key = it->first.Scalar();
    const YAML::Node v = it->second;  // a copy: it->second lives in a temporary proxy
    try {
      if (key == "title") st = str(v, "title", &p->title);
      else if (key == "title_derived") p->title_derived = v.as<bool>();
      else if (key == "slug") st = str(v, "slug", &p->slug);
      else if (key == "date") st = str(v, "date", &p->date);
      else if (key == "byline") st = str(v, "byline", &p->byline);
      else if (key == "byline_url") st = str(v, "byline_url", &p->byline_url);
      else if (key == "source_url") st = str(v, "source_url", &p->source_url);
      else if (key == "publisher") st = str(v, "publisher", &p->publisher);
      else if (key == "description") st = str(v, "description", &p->description);
      else if (key == "menu") p->menu = v.as<bool>();
      else if (key == "weight") p->weight = v.as<int>();
      else if (key == "tags") st = strings(v, "tags", &p->tags);
      else if (key == "summary") st = strings(v, "summary", &p->summary);
      else if (key == "keyphrases") st = strings(v, "keyphrases", &p->keyphrases);
      else if (key == "notes") st = strings(v, "notes", &p->notes);
      else if (key == "seed") st = str(v, "seed", &p->seed);
      else if (key == "seed_hash") st = str(v, "seed_hash", &p->seed_hash);
      else if (key == "dossier_hash") {
      } else if (key == "key_points") {
        for (const auto& k : v) p->key_points.push_back({k["text"].as<std::string>(""), k["anchor"].as<std::string>("")});
      } else if (key == "quotes") {
        for (const auto& q : v)
          p->quotes.push_back({q["speaker"].as<std::string>(""), q["text"].as<std::string>(""),
                               q["anchor"].as<std::string>("")});
      } else if (key == "entities") {
        if (!v.IsMap()) return core::Status::Invalid("'entities' must map kinds (people, organisations, places, topics) to lists", loc(v));
        for (auto k = v.begin(); k != v.end(); ++k) {
          std::string kind_key = k->first.Scalar();
          if (kind_key != "people" && kind_key != "organisations" && kind_key != "places" && kind_key != "topics")
            return core::Status::Invalid("unknown entity kind '" + kind_key + "' (use people, organisations, places or topics)",
                                         loc(k->first));
          const YAML::Node names = k->second;  // not a reference into the iterator's temporary
          for (const auto& x : names) {
            EntityRef r;
            r.kind = KindFromKey(kind_key);
            if (x.IsScalar()) {
              r.name = x.Scalar();
            } else {
              r.name = x["name"].as<std::string>("");
              r.slug = x["slug"].as<std::string>("");
              r.count = x["count"].as<int>(1);
            }
            if (!r.slug.empty()) r.slug = core::Slugify(r.slug);
            if (!r.name.empty()) p->entities.push_back(r);
          }
        }
      } else if (key == "related") {
        for (const auto& r : v) {
          RelatedRef rr;
          rr.slug = core::Slugify(r["slug"].as<std::string>(""));
          rr.title = r["title"].as<std::string>("");
          rr.score = r["score"].as<double>(0);
          if (r["shared"]) rr.shared = r["shared"].as<std::vector<std::string>>();
          p->related.push_back(rr);
        }
      } else {
        std::string hint = core::DidYouMean(key, kKeys);
        return core::Status::Invalid(
            "unknown front matter key '" + key + "'" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)"),
            loc(it->first));
      }
    } catch (const YAML::Exception& ex) {
      return core::Status::Invalid("front matter key '" + key + "' has the wrong type: " + ex.msg, loc(v));
    }
    if (!st.ok()) return st;
  }
  return core::Status::Ok();
}

}  // namespace dossier::compose
