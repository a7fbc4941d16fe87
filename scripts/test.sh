#!/usr/bin/env bash
# Build and run the whole mdbus test suite: release, then ASan+UBSan, then TSan.
# Usage: scripts/test.sh [--quick]   (--quick: release build only)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh

presets=(release asan tsan)
[[ "${1:-}" == "--quick" ]] && presets=(release)

jobs=$(nproc)
fail=0
for p in "${presets[@]}"; do
  echo "=== mdbus tests: $p ==="
  cmake --preset "$p" >/dev/null
  cmake --build --preset "$p" -j "$jobs"
  if ! ctest --preset "$p"; then
    fail=1
    echo "=== $p: FAILED ===" >&2
  fi
done
exit $fail
