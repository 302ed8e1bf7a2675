#!/bin/sh
# Scores the analysis stage on the BBC News Summary dev split.
#   bench/analyse/eval.sh [BUILD_DIR] [CORPUS_DIR] [TOOLS_DIR]
# Needs the analyse_dev tool (cmake --build BUILD_DIR --target analyse_dev)
# and the evaluation scripts (rouge.py, sentagree.py, related.py, baselines.py).
set -eu
BUILD=${1:-build}
CORPUS=${2:-/work/shared/corpus/bbc}
TOOLS=${3:-/work/shared/tools/eval}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
DEV="$BUILD/tests/analyse_dev"

echo "== summaries (ratio 0.4)"
"$DEV" "$CORPUS/articles" "$OUT/sum" --threads 2
python3 "$TOOLS/rouge.py" "$CORPUS/summaries" "$OUT/sum/summaries"
python3 "$TOOLS/sentagree.py" "$CORPUS/articles" "$CORPUS/summaries" "$OUT/sum/summaries"

echo "== related (category-free copy)"
python3 "$TOOLS/baselines.py" flatten "$OUT/flat" "$OUT/map.json" "$CORPUS/articles" >/dev/null
"$DEV" "$OUT/flat" "$OUT/rel" --threads 2 --repeat 5
python3 "$TOOLS/related.py" "$CORPUS/articles" "$OUT/rel/related.json" --id-map "$OUT/map.json"
