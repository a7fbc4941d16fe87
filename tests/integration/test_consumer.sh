#!/bin/sh
# test_consumer.sh — an external project builds and runs against the installed mdbus.
#
# Installs the build tree into a temporary prefix (cmake --install --prefix), then
# builds the consumer in tests/integration/consumer twice — once with
# find_package(mdbus) + mdbus::mdbus, once with `pkg-config --cflags --libs mdbus` —
# and runs both against a feed written by test_consumer_writer.
#
# usage: test_consumer.sh BUILD_DIR CONSUMER_SRC_DIR WRITER_EXE C_COMPILER [SANITIZE_FLAGS]
set -u
build=$1 src=$2 writer=$3 cc=$4 sanflags=${5:-}
fail() { echo "FAIL: $*"; exit 1; }
command -v pkg-config >/dev/null 2>&1 || { echo "SKIP: pkg-config is missing"; exit 77; }

tmp=$(mktemp -d /tmp/mdbus-consumer-XXXXXX) || exit 1
feed="t_consumer_$$"
cleanup() { "$writer" --remove "$feed" >/dev/null 2>&1; rm -rf "$tmp"; }
trap cleanup EXIT

echo "== install into $tmp/prefix"
cmake --install "$build" --prefix "$tmp/prefix" >"$tmp/install.log" 2>&1 ||
	{ cat "$tmp/install.log"; fail "cmake --install"; }
pcdir=$(dirname "$(find "$tmp/prefix" -name mdbus.pc | head -1)")
[ -f "$pcdir/mdbus.pc" ] || fail "no mdbus.pc installed"
libdir=$(dirname "$(find "$tmp/prefix" -name 'libmdbus.so*' | head -1)")
[ -d "$libdir" ] || fail "no libmdbus.so installed"

echo "== the test writer puts 1000 records on $feed"
"$writer" "$feed" 1000 || fail "test writer"

echo "== consumer via find_package(mdbus)"
cmake -S "$src" -B "$tmp/cmake-build" -DCMAKE_PREFIX_PATH="$tmp/prefix" -DCMAKE_C_COMPILER="$cc" \
	-DCMAKE_C_FLAGS="$sanflags" -DCMAKE_EXE_LINKER_FLAGS="$sanflags" >"$tmp/cfg.log" 2>&1 ||
	{ cat "$tmp/cfg.log"; fail "configure with find_package(mdbus)"; }
cmake --build "$tmp/cmake-build" >"$tmp/build.log" 2>&1 ||
	{ cat "$tmp/build.log"; fail "build with mdbus::mdbus"; }
ldd "$tmp/cmake-build/consumer" | grep -q "$tmp/prefix" ||
	{ ldd "$tmp/cmake-build/consumer"; fail "consumer does not use the installed libmdbus"; }
"$tmp/cmake-build/consumer" "$feed" 1000 || fail "consumer (CMake package) run"

echo "== consumer via pkg-config"
flags=$(PKG_CONFIG_PATH="$pcdir" pkg-config --cflags --libs mdbus) || fail "pkg-config mdbus"
echo "pkg-config --cflags --libs mdbus: $flags"
# shellcheck disable=SC2086
"$cc" $sanflags -o "$tmp/consumer-pc" "$src/consumer.c" $flags -Wl,-rpath,"$libdir" \
	>"$tmp/pc.log" 2>&1 || { cat "$tmp/pc.log"; fail "build with pkg-config flags"; }
ldd "$tmp/consumer-pc" | grep -q "$tmp/prefix" ||
	{ ldd "$tmp/consumer-pc"; fail "pkg-config consumer does not use the installed libmdbus"; }
"$tmp/consumer-pc" "$feed" 1000 || fail "consumer (pkg-config) run"
echo "PASSED"
