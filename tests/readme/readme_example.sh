#!/bin/sh
# Compile the consumer example exactly as README.md shows it and run it against a feed.
# usage: readme_example.sh README.md INCLUDE_DIR LIBDIR FEED_WRITER
# env: CC (compiler), EXTRA_CFLAGS (e.g. the sanitizer flags the library was built with)
set -eu
readme=$1 inc=$2 libdir=$3 writer=$4
tmp=$(mktemp -d)
feed="readme-$$"
trap 'kill $pid 2>/dev/null || true; rm -rf "$tmp"' EXIT
# The first ```c block after "## Reading the bus" is the example.
awk '/^## Reading the bus/{f=1} f&&/^```c$/{c=1;next} c&&/^```$/{exit} c{print}' "$readme" > "$tmp/consumer.c"
[ -s "$tmp/consumer.c" ] || { echo "no example found in $readme"; exit 1; }
sed -i "s/\"kraken\"/\"$feed\"/" "$tmp/consumer.c"
${CC:-cc} -std=c11 -Wall -Wextra -Werror ${EXTRA_CFLAGS:-} -I"$inc" "$tmp/consumer.c" -L"$libdir" -lmdbus -Wl,-rpath,"$libdir" -o "$tmp/consumer"
"$writer" "$feed" > "$tmp/writer.out" &
wpid=$!
i=0; while [ ! -s "$tmp/writer.out" ] && [ $i -lt 500 ]; do sleep 0.01; i=$((i+1)); done
stdbuf -oL "$tmp/consumer" > "$tmp/out" 2>&1 &  # line-buffered: it is killed, not ended
pid=$!
wait $wpid
i=0; while ! grep -q "generation 2: disconnected" "$tmp/out" && [ $i -lt 1000 ]; do sleep 0.01; i=$((i+1)); done
kill $pid 2>/dev/null || true
cat "$tmp/out"
grep -q "generation 1: connected" "$tmp/out"
grep -q "trade sym 0 px 452835 qty 10000000" "$tmp/out"
grep -q "generation 2: disconnected" "$tmp/out"
echo "readme example: passed"
