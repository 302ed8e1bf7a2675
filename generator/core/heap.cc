// PrepareBatchHeap: sets glibc's allocator up for a short-lived batch process
// (see core.h). Linux + glibc only; elsewhere, and under sanitizers (which
// bring their own allocator), it does nothing.
#include "core/core.h"

#include <algorithm>

#if defined(__linux__) && defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__)
#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#define DOSSIER_BATCH_HEAP 1
#endif

namespace dossier::core {

bool PrepareBatchHeap(size_t bytes) {
#ifdef DOSSIER_BATCH_HEAP
  constexpr uintptr_t kHuge = uintptr_t(2) << 20;  // x86-64 / arm64 (4 KiB base) PMD size
  if (bytes < kHuge * 4) return false;
  // Every allocation up to 32 MiB (glibc's most) from the main heap, the heap
  // grown in one step of `bytes` and never given back, one arena for all
  // threads (so that helper threads use the same advised heap).
  if (mallopt(M_MMAP_THRESHOLD, 32 << 20) != 1) return false;
  if (mallopt(M_TRIM_THRESHOLD, static_cast<int>(std::min<size_t>(bytes, size_t(1) << 30))) != 1) return false;
  if (mallopt(M_TOP_PAD, static_cast<int>(std::min<size_t>(bytes, size_t(1) << 30))) != 1) return false;
  mallopt(M_ARENA_MAX, 1);
  // A 1 MiB block makes the heap grow now (by the block plus the top pad,
  // unless its top was already that large); freed, it stays as heap top for
  // what follows.
  char* before = static_cast<char*>(sbrk(0));
  constexpr size_t kBlock = size_t(1) << 20;
  void* block = std::malloc(kBlock);
  char* after = static_cast<char*>(sbrk(0));
  bool advised = false;
  if (block != nullptr && before != reinterpret_cast<char*>(-1) && after != reinterpret_cast<char*>(-1)) {
    // Only when the block came from the brk heap. It may start in the old
    // heap top (then the heap may not even have grown, when the top was
    // large enough); the advice covers the block and all the heap above it.
    char* p = static_cast<char*>(block);
    if (p + kBlock <= after) {
      uintptr_t lo = (reinterpret_cast<uintptr_t>(p) + kHuge - 1) & ~(kHuge - 1);
      uintptr_t hi = reinterpret_cast<uintptr_t>(after) & ~(kHuge - 1);
      if (hi > lo) advised = madvise(reinterpret_cast<void*>(lo), hi - lo, MADV_HUGEPAGE) == 0;
    }
  }
  std::free(block);
  return advised;
#else
  (void)bytes;
  return false;
#endif
}

}  // namespace dossier::core
