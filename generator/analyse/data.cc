// Built-in word lists, compiled into the binary from data/*.inc (each holds
// one raw string literal). Parsed once, on first use, thread-safely.
#include <sstream>

#include "analyse/analyse_internal.h"

namespace dossier::analyse::internal {

namespace {

const char kStopwords[] =
#include "analyse/data/stopwords.inc"
    ;
const char kNltkStopwords[] =
#include "analyse/data/nltk_stopwords.inc"
    ;
const char kTitles[] =
#include "analyse/data/titles.inc"
    ;
const char kFirstNames[] =
#include "analyse/data/first_names.inc"
    ;
const char kFamilyFirst[] =
#include "analyse/data/family_first.inc"
    ;
const char kDemonyms[] =
#include "analyse/data/demonyms.inc"
    ;
const char kPlaces[] =
#include "analyse/data/places.inc"
    ;
const char kOrganisations[] =
#include "analyse/data/organisations.inc"
    ;
const char kWords[] =
#include "analyse/data/words.inc"
    ;

void AddWords(const char* text, std::unordered_set<std::string>* out) {
  std::istringstream in(text);
  std::string w;
  while (in >> w) out->insert(w);
}

void AddLines(const char* text, std::unordered_set<std::string>* out) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    line = Collapse(line);
    if (!line.empty()) out->insert(line);
  }
}

// "canonical|alias|alias" lines.
void AddKnown(const char* text, const std::string& kind, Gazetteer* g) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    line = Collapse(line);
    if (line.empty()) continue;
    std::vector<std::string> parts;
    size_t start = 0;
    while (true) {
      size_t bar = line.find('|', start);
      parts.push_back(std::string(line.substr(start, bar == std::string::npos ? std::string::npos : bar - start)));
      if (bar == std::string::npos) break;
      start = bar + 1;
    }
    for (const std::string& p : parts) g->known.emplace(p, std::make_pair(parts[0], kind));
  }
}

Gazetteer Build() {
  Gazetteer g;
  AddWords(kStopwords, &g.stop);
  AddWords(kNltkStopwords, &g.nltk_stop);
  AddLines(kTitles, &g.titles);
  AddWords(kFirstNames, &g.first_names);
  AddWords(kDemonyms, &g.demonyms);
  AddWords(kFamilyFirst, &g.family_first);
  AddKnown(kPlaces, "place", &g);
  AddKnown(kOrganisations, "organisation", &g);
  std::istringstream in(kWords);
  std::string w;
  std::unordered_set<std::string>* cur = nullptr;
  while (in >> w) {
    if (w == "#org") {
      cur = &g.org_words;
    } else if (w == "#place") {
      cur = &g.place_words;
    } else if (w == "#other") {
      cur = &g.other_words;
    } else if (w == "#speech") {
      cur = &g.speech_verbs;
    } else if (w == "#common") {
      cur = &g.common_caps;
    } else if (cur != nullptr) {
      cur->insert(w);
    }
  }
  return g;
}

}  // namespace

const Gazetteer& Lists() {
  static const Gazetteer g = Build();
  return g;
}

}  // namespace dossier::analyse::internal
