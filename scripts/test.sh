#!/usr/bin/env bash
# Build and run the whole mdbus test suite: release, then ASan+UBSan, then TSan (all
# with warnings as errors), then the libFuzzer harnesses: their corpora and a 10 s
# smoke run of each.  Long fault campaigns (label stress) and long fuzzing runs are
# separate: ctest --preset stress, ctest --preset fuzz.
# Usage: scripts/test.sh [--quick]   (--quick: release build only)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh

presets=(release asan tsan fuzz)
[[ "${1:-}" == "--quick" ]] && presets=(release)

jobs=$(nproc)
fail=0
for p in "${presets[@]}"; do
  echo "=== mdbus tests: $p ==="
  cmake --preset "$p" >/dev/null
  cmake --build --preset "$p" -j "$jobs"
  tp="$p"
  [[ "$p" == fuzz ]] && tp=fuzz-smoke
  if ! ctest --preset "$tp"; then
    fail=1
    echo "=== $p: FAILED ===" >&2
  fi
done
exit $fail
