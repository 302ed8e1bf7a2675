// lunr_index: developer tool for the lunr-compatible search index.
//   lunr_index DOCS_JSON OUT_INDEX_JSON [--repeat N]
//       builds the index (ParseDocsJson + BuildLunrIndex) and writes it;
//       --repeat N builds N times and prints the best build time to stderr.
//   lunr_index --stem
//       reads tokens (one per line, UTF-8) on stdin, prints LunrStem of each.
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "search/search.h"

namespace {

int Usage() {
  std::cerr << "usage: lunr_index DOCS_JSON OUT_INDEX_JSON [--repeat N]\n"
               "       lunr_index --stem   (tokens on stdin, one per line)\n";
  return 2;
}

int Stem() {
  std::ios::sync_with_stdio(false);
  std::string line, out;
  while (std::getline(std::cin, line)) {
    out += dossier::search::LunrStem(line);
    out.push_back('\n');
  }
  std::cout << out;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && std::string(argv[1]) == "--stem") return Stem();
  if (argc != 3 && argc != 5) return Usage();
  int repeat = 1;
  if (argc == 5) {
    if (std::string(argv[3]) != "--repeat") return Usage();
    repeat = std::max(1, std::atoi(argv[4]));
  }
  std::ifstream in(argv[1], std::ios::binary);
  if (!in) {
    std::cerr << "lunr_index: cannot read " << argv[1] << "\n";
    return 1;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string json = ss.str();

  using Clock = std::chrono::steady_clock;
  auto cpu_ms = [] {
    timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
  };
  double best_parse = 1e9, best_build = 1e9, best_build_cpu = 1e9;
  std::string index;
  for (int i = 0; i < repeat; ++i) {
    dossier::search::IndexSpec spec;
    std::vector<dossier::search::Document> docs;
    auto t0 = Clock::now();
    dossier::core::Status st = dossier::search::ParseDocsJson(json, argv[1], &spec, &docs);
    if (!st.ok()) {
      std::cerr << st.ToString() << "\n";
      return 1;
    }
    auto t1 = Clock::now();
    double c1 = cpu_ms();
    index = dossier::search::BuildLunrIndex(spec, docs);
    double c2 = cpu_ms();
    auto t2 = Clock::now();
    best_build_cpu = std::min(best_build_cpu, c2 - c1);
    best_parse = std::min(best_parse, std::chrono::duration<double, std::milli>(t1 - t0).count());
    best_build = std::min(best_build, std::chrono::duration<double, std::milli>(t2 - t1).count());
  }
  std::ofstream out(argv[2], std::ios::binary);
  out << index;
  if (!out.flush()) {
    std::cerr << "lunr_index: cannot write " << argv[2] << "\n";
    return 1;
  }
  if (repeat > 1) {
    std::fprintf(stderr,
                 "lunr_index: best of %d: ParseDocsJson %.2f ms, BuildLunrIndex %.2f ms wall / %.2f ms CPU, %zu bytes\n",
                 repeat, best_parse, best_build, best_build_cpu, index.size());
  }
  return 0;
}
