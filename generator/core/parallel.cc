// ParallelFor: the one thread pool loop of the generator (see core.h).
#include <algorithm>
#include <atomic>
#include <system_error>
#include <thread>
#include <vector>

#include "core/core.h"

namespace dossier::core {

void ParallelFor(size_t n, int threads, const std::function<void(size_t)>& fn) {
  if (n == 0) return;
  size_t workers = threads > 0 ? static_cast<size_t>(threads) : std::max(1u, std::thread::hardware_concurrency());
  workers = std::min(workers, n);
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i; (i = next.fetch_add(1)) < n;) fn(i);
  };
  std::vector<std::thread> pool;
  for (size_t w = 1; w < workers; ++w) {
    try {
      pool.emplace_back(work);
    } catch (const std::system_error&) {
      break;  // no more threads: the ones running share the work
    }
  }
  work();
  for (auto& t : pool) t.join();
}

}  // namespace dossier::core
