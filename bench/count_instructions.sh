#!/usr/bin/env bash
# Instructions (callgrind) spent extracting N generated documents, the warm-up left out:
# a steady figure on a shared machine, where timings drift by 30%.
#
#   bench/count_instructions.sh BENCH_DIR [N=100] [REPO=.]
#
# BENCH_DIR is a folder made by bench/generate.py; the first N files of BENCH_DIR/text/003
# are extracted serially after one warm-up text, once under callgrind with N files and once
# with none, and the difference is printed. Needs valgrind. The hash seed is fixed
# (PYTHONHASHSEED=0): set iteration order otherwise moves the count by about 0.4%.
set -euo pipefail
bench=${1:?usage: count_instructions.sh BENCH_DIR [N] [REPO]}; n=${2:-100}; repo=$(cd "${3:-.}" && pwd)
py=${PYTHON:-$repo/.venv/bin/python}
script='
import glob, os, sys
repo, folder, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
sys.path.insert(0, repo)
from extractor import pipeline
pipeline.extract_text("Năm 2023, toàn tỉnh có 1.000 người tham gia BHYT.")
import gc; gc.freeze()
for f in sorted(glob.glob(os.path.join(folder, "text", "003", "*")))[:n]:
    pipeline.extract_file(f)
'
count() {
  PYTHONHASHSEED=0 valgrind --tool=callgrind --callgrind-out-file=/dev/null \
    "$py" -c "$script" "$repo" "$bench" "$1" 2>&1 | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
count 0 >/dev/null      # the first run writes __pycache__ (about 30 M instructions)
base=$(count 0); full=$(count "$n")
"$py" -c "print(f'{($full - $base) / 1e9:.3f} G instructions for $n documents')"
