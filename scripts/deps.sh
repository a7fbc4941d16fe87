#!/usr/bin/env bash
# Install what mdbus needs to build and test, from Debian's archive, if missing.
# Idempotent: does nothing (and needs no network) when everything is present.
set -euo pipefail

PKGS=(
  build-essential cmake pkg-config git
  clang libclang-rt-14-dev           # sanitizer presets and libFuzzer
  libwebsockets-dev libssl-dev libcjson-dev
  libcunit1-dev                      # unit tests
  libzmq3-dev                        # mdbus-bench: ZeroMQ comparison (optional at build time)
  libiceoryx-binding-c-dev iceoryx   # mdbus-bench: iceoryx comparison + its RouDi daemon
  gnuplot-nox                        # mdbus-bench: latency plot
  strace procps                      # tests: syscall counts, /proc inspection
)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  SUDO=sudo
else
  SUDO=
fi
echo "deps: installing ${missing[*]}" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
