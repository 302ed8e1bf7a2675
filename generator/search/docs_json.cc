// DOCS_JSON (the lunr oracle's input format) reading and writing. Values are
// converted to strings exactly as lunr's tokenizer would (`String(v)`,
// `Array#map(asString)`), so BuildLunrIndex sees what lunr.js sees.
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cmath>
#include <unordered_set>

#include "search/search.h"
#include "search/search_internal.h"

namespace dossier::search {

namespace {

using rapidjson::Value;

// JavaScript String(v) for a JSON value.
std::string JsString(const Value& v);

// Array.prototype.toString = join(","): null elements become "".
std::string JsArrayString(const Value& v) {
  std::string out;
  bool first = true;
  for (const Value& el : v.GetArray()) {
    if (!first) out.push_back(',');
    first = false;
    if (!el.IsNull()) out += JsString(el);
  }
  return out;
}

std::string JsString(const Value& v) {
  switch (v.GetType()) {
    case rapidjson::kNullType: return "null";
    case rapidjson::kFalseType: return "false";
    case rapidjson::kTrueType: return "true";
    case rapidjson::kObjectType: return "[object Object]";
    case rapidjson::kArrayType: return JsArrayString(v);
    case rapidjson::kStringType:
      return internal::SanitizeUtf8(std::string_view(v.GetString(), v.GetStringLength()));
    case rapidjson::kNumberType: return internal::JsNumberToString(v.GetDouble());
  }
  return "";
}

const Value* Member(const Value& obj, const char* name) {
  auto it = obj.FindMember(name);
  return it == obj.MemberEnd() ? nullptr : &it->value;
}

const Value* MemberS(const Value& obj, const std::string& name) {
  auto it = obj.FindMember(Value(rapidjson::StringRef(name.data(), name.size())));
  return it == obj.MemberEnd() ? nullptr : &it->value;
}

// Parses `json` normally (not in place), for the error message of text that
// is not valid JSON; never Ok.
core::Status JsonError(const std::string& json, const std::string& path) {
  rapidjson::Document d;
  d.Parse<rapidjson::kParseFullPrecisionFlag>(json.data(), json.size());
  if (!d.HasParseError()) return core::Status::Invalid("DOCS_JSON: could not be read again", {path, 0, 0});
  return core::Status::Invalid(
      std::string("DOCS_JSON is not valid JSON: ") + rapidjson::GetParseError_En(d.GetParseError()),
      core::LocationAt(path, json, d.GetErrorOffset()));
}

core::Status FromDom(const rapidjson::Document& d, const std::string& path, IndexSpec* spec,
                     std::vector<Document>* docs) {
  core::SourceLocation loc{path, 0, 0};
  *spec = IndexSpec{};
  docs->clear();
  std::string ref_name = "id";
  const Value* documents = nullptr;
  if (d.IsArray()) {
    documents = &d;
    spec->fields = {{"title", 10}, {"body", 1}};
  } else if (d.IsObject()) {
    if (const Value* r = Member(d, "ref")) {
      if (!r->IsString()) return core::Status::Invalid("DOCS_JSON: \"ref\" must be a string", loc);
      ref_name = r->GetString();
    }
    if (const Value* f = Member(d, "fields")) {
      if (!f->IsArray() || f->Empty()) return core::Status::Invalid("DOCS_JSON: \"fields\" must be a non-empty array", loc);
      for (const Value& fv : f->GetArray()) {
        Field field;
        if (fv.IsString()) {
          field.name = fv.GetString();
        } else if (fv.IsObject() && Member(fv, "name") && Member(fv, "name")->IsString()) {
          field.name = Member(fv, "name")->GetString();
          if (const Value* b = Member(fv, "boost")) {
            if (b->IsNumber()) {
              field.boost = b->GetDouble();
            } else if (b->IsNull()) {
              field.boost = 1;  // `null || 1`
            } else {
              return core::Status::Invalid("DOCS_JSON: field \"" + field.name + "\": \"boost\" must be a number", loc);
            }
          }
        } else {
          return core::Status::Invalid("DOCS_JSON: every field needs a \"name\"", loc);
        }
        if (field.name.find('/') != std::string::npos) {
          return core::Status::Invalid("DOCS_JSON: field \"" + field.name + "\" contains illegal character '/'", loc);
        }
        spec->fields.push_back(std::move(field));
      }
    } else {
      spec->fields = {{"title", 10}, {"body", 1}};
    }
    documents = Member(d, "documents");
    if (const Value* m = Member(d, "metadataWhitelist")) {
      if (!m->IsArray()) return core::Status::Invalid("DOCS_JSON: \"metadataWhitelist\" must be an array", loc);
      for (const Value& k : m->GetArray()) {
        if (!k.IsString()) return core::Status::Invalid("DOCS_JSON: \"metadataWhitelist\" entries must be strings", loc);
        spec->metadata_whitelist.push_back(k.GetString());
      }
    }
    if (const Value* b = Member(d, "b")) {
      if (!b->IsNumber()) return core::Status::Invalid("DOCS_JSON: \"b\" must be a number", loc);
      spec->b = b->GetDouble();
    }
    if (const Value* k = Member(d, "k1")) {
      if (!k->IsNumber()) return core::Status::Invalid("DOCS_JSON: \"k1\" must be a number", loc);
      spec->k1 = k->GetDouble();
    }
  } else {
    return core::Status::Invalid("DOCS_JSON: not an object", loc);
  }
  if (documents == nullptr || !documents->IsArray()) {
    return core::Status::Invalid("DOCS_JSON: \"documents\" must be an array", loc);
  }
  const Value* boosts = d.IsObject() ? Member(d, "documentBoosts") : nullptr;
  if (boosts != nullptr && !boosts->IsNull() && !boosts->IsObject()) {
    return core::Status::Invalid("DOCS_JSON: \"documentBoosts\" must be an object", loc);
  }

  docs->reserve(documents->Size());
  size_t i = 0;
  for (const Value& dv : documents->GetArray()) {
    if (!dv.IsObject()) {
      return core::Status::Invalid("DOCS_JSON: document " + std::to_string(i) + " is not an object", loc);
    }
    Document doc;
    const Value* rv = MemberS(dv, ref_name);
    doc.ref = rv ? JsString(*rv) : "undefined";
    for (const Field& f : spec->fields) {
      FieldValue fv;
      const Value* v = MemberS(dv, f.name);
      if (v == nullptr || v->IsNull()) {
        fv.kind = FieldValue::Kind::kNull;
      } else if (v->IsArray()) {
        fv.kind = FieldValue::Kind::kArray;
        for (const Value& el : v->GetArray()) fv.items.push_back(el.IsNull() ? std::string() : JsString(el));
      } else {
        fv.kind = FieldValue::Kind::kString;
        fv.text = JsString(*v);
      }
      doc.fields.push_back(std::move(fv));
    }
    if (boosts != nullptr && boosts->IsObject()) {
      if (const Value* b = MemberS(*boosts, doc.ref)) {
        if (b->IsNumber()) {
          doc.boost = b->GetDouble();
        } else if (!b->IsNull()) {
          return core::Status::Invalid("DOCS_JSON: document boost of \"" + doc.ref + "\" must be a number", loc);
        }
      }
    }
    docs->push_back(std::move(doc));
    ++i;
  }
  return core::Status::Ok();
}

}  // namespace

core::Status ParseDocsJson(const std::string& json, const std::string& path, IndexSpec* spec,
                           std::vector<Document>* docs) {
  // Parsed in place (strings are not copied again) in a scratch copy.
  std::string buffer(json);
  rapidjson::Document d;
  d.ParseInsitu<rapidjson::kParseFullPrecisionFlag>(buffer.data());
  if (d.HasParseError()) return JsonError(json, path);
  return FromDom(d, path, spec, docs);
}

core::Status ParseDocsJsonInPlace(std::string* json, const std::string& path, IndexSpec* spec,
                                  std::vector<Document>* docs) {
  rapidjson::Document d;
  d.ParseInsitu<rapidjson::kParseFullPrecisionFlag>(json->data());
  if (d.HasParseError()) {
    // The text was changed by the parse (escapes decoded in place), so the
    // line and column of the error come from the file as it is on disk.
    std::string original;
    core::Status read = core::ReadFile(path, &original);
    if (!read.ok()) return read;
    return JsonError(original, path);
  }
  return FromDom(d, path, spec, docs);
}

std::string DocsJson(const IndexSpec& spec, const std::vector<Document>& docs) {
  // The ref key must not collide with a field name.
  std::unordered_set<std::string> names;
  for (const Field& f : spec.fields) names.insert(f.name);
  std::string ref_key = "id";
  while (names.count(ref_key)) ref_key = "_" + ref_key;

  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  auto str = [&](const std::string& s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); };
  w.StartObject();
  w.Key("ref");
  str(ref_key);
  w.Key("fields");
  w.StartArray();
  for (const Field& f : spec.fields) {
    w.StartObject();
    w.Key("name");
    str(f.name);
    if (f.boost != 1) {
      w.Key("boost");
      w.Double(f.boost);
    }
    w.EndObject();
  }
  w.EndArray();
  if (!spec.metadata_whitelist.empty()) {
    w.Key("metadataWhitelist");
    w.StartArray();
    for (const std::string& k : spec.metadata_whitelist) str(k);
    w.EndArray();
  }
  bool any_boost = false;
  for (const Document& d : docs) any_boost |= d.boost != 1;
  if (any_boost) {
    w.Key("documentBoosts");
    w.StartObject();
    for (const Document& d : docs) {
      if (d.boost == 1) continue;
      str(d.ref);
      w.Double(d.boost);
    }
    w.EndObject();
  }
  if (spec.b != 0.75) {
    w.Key("b");
    w.Double(spec.b);
  }
  if (spec.k1 != 1.2) {
    w.Key("k1");
    w.Double(spec.k1);
  }
  w.Key("documents");
  w.StartArray();
  for (const Document& d : docs) {
    w.StartObject();
    str(ref_key);
    str(d.ref);
    for (size_t i = 0; i < spec.fields.size(); ++i) {
      str(spec.fields[i].name);
      const FieldValue* v = i < d.fields.size() ? &d.fields[i] : nullptr;
      if (v == nullptr || v->kind == FieldValue::Kind::kNull) {
        w.Null();
      } else if (v->kind == FieldValue::Kind::kArray) {
        w.StartArray();
        for (const std::string& s : v->items) str(s);
        w.EndArray();
      } else {
        str(v->text);
      }
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(sb.GetString(), sb.GetSize());
}

}  // namespace dossier::search
