// compose internals exposed to tests.
#pragma once

#include <cstddef>

namespace dossier::compose::internal {

// Word-boundary searches made by entity linking on this thread so far.
size_t WordSearches();

}  // namespace dossier::compose::internal
