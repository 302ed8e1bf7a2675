// Helpers shared by the analyse unit tests.
#pragma once

#include <string>
#include <vector>

#include "analyse/analyse.h"
#include "support/test_support.h"

namespace dossier::analyse::testing {

// tests/data/analyse/<name>: line 1 = headline (may be empty), then
// paragraphs separated by blank lines.
Document LoadDoc(const std::string& name, const std::string& id);
// One document from a headline and paragraphs.
Document Doc(const std::string& id, const std::string& title, std::vector<std::string> paragraphs);
// Analyses docs with default options (threads as given).
std::vector<ArticleAnalysis> Run(const std::vector<Document>& docs, int threads = 1);
// The entity called `name` (canonical), or nullptr.
const Entity* FindEntity(const ArticleAnalysis& a, const std::string& name);
// Stable text form of an analysis (for goldens and equality checks).
std::string Dump(const ArticleAnalysis& a);

}  // namespace dossier::analyse::testing
