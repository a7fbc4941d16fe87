#!/usr/bin/env bash
# Install what is missing, build (release), and run mdbus-publisher against live Kraken.
#
#   scripts/run.sh [publisher flags]        default: --symbols BTC/USD,ETH/USD
#   scripts/run.sh --demo [SECONDS]         offline: mock exchange (synthetic market) +
#                                           publisher + a live view, on loopback only
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" >/dev/null
bin=build/release

if [[ "${1:-}" != "--demo" ]]; then
  args=("$@")
  have_symbols=0
  for a in "${args[@]}"; do [[ "$a" == --symbols* ]] && have_symbols=1; done
  ((have_symbols)) || args+=(--symbols BTC/USD,ETH/USD)
  exec "$bin/publisher/mdbus-publisher" "${args[@]}"
fi

# Offline demo: everything on 127.0.0.1, torn down on exit.
secs="${2:-0}"
feed="demo"
tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

"$bin/tools/mock-exchange/mdbus-mock-exchange" --port 0 --synthetic \
  --symbols BTC/USD,ETH/USD --rate 200 --seed 1 >"$tmp/mock.out" 2>"$tmp/mock.log" &
pids+=($!)
for _ in $(seq 100); do [[ -s "$tmp/mock.out" ]] && break; sleep 0.05; done
port=$(head -n1 "$tmp/mock.out")
[[ -n "$port" ]] || { echo "demo: mock exchange did not start:" >&2; cat "$tmp/mock.log" >&2; exit 1; }

"$bin/publisher/mdbus-publisher" --feed "$feed" --url "ws://127.0.0.1:$port/v2" \
  --symbols BTC/USD,ETH/USD --channels book,trade,ticker 2>"$tmp/publisher.log" &
pids+=($!)

dump="$bin/tools/dump/mdbus-dump"
for _ in $(seq 100); do "$dump" --feed "$feed" status >/dev/null 2>&1 && break; sleep 0.05; done
if [[ "$secs" != 0 ]]; then
  # Non-interactive: show the feed for a while, then the book and the last records.
  sleep "$secs"
  "$dump" --feed "$feed" status
  "$dump" --feed "$feed" book BTC/USD --levels 5
  "$dump" --feed "$feed" tail 10
else
  "$dump" --feed "$feed" --watch 1 status
fi
