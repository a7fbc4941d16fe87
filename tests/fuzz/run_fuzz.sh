#!/usr/bin/env bash
# Run one libFuzzer harness for a bounded time and print its RESULT line.
#
#   run_fuzz.sh BINARY NAME SECONDS WORKDIR [SEED_DIR...]
#
# New inputs go to WORKDIR/corpus (never into the source tree), crashes to
# WORKDIR/artifacts/; the seed directories (the committed corpus, the regression
# inputs, the Kraken fixtures) are read only.  A crash is a failure: copy the
# artifact into tests/fuzz/regressions/NAME/ once the bug is fixed, so that the
# normal suite replays it from then on.
#
# Last line of output (read by tests/faults/report.sh):
#   RESULT campaign=fuzz-NAME size="N executions in S s" checked="..." result=pass|fail
set -u
bin=$1 name=$2 secs=$3 work=$4
shift 4
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$work/corpus" "$work/artifacts"
seeds=()
for d in "$@"; do [[ -d $d ]] && seeds+=("$d"); done
opts=(-max_total_time="$secs" -print_final_stats=1 -timeout=30 -rss_limit_mb=4096
      -artifact_prefix="$work/artifacts/")
[[ -f $here/dict/$name.dict ]] && opts+=(-dict="$here/dict/$name.dict")

case $name in
  frame) checked="kp_parse = kp_parse_reference = kp__parse_generic (code and kp_msg_dump), fast path never differs, no partial output, decoded books apply" ;;
  decimal) checked="kd_parse/kd_parse_round/kd_parse_u64 = independent model; kd_format = model and round-trips" ;;
  checksum) checked="kb_apply/kb_truncate book = naive model; kb_checksum = printf rendering + bitwise CRC-32" ;;
  segment) checked="hostile header/slot/registry bytes in real shm: no crash, defined codes, bounded records/books" ;;
  pubconfig) checked="pub_config_parse: documented outcomes, one-line refusals, accepted configs within bounds" ;;
  *) checked="no crash" ;;
esac

log=$work/fuzz.log
"$bin" "${opts[@]}" "$work/corpus" "${seeds[@]}" >"$log" 2>&1
rc=$?
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
[[ -n $runs ]] || runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -n1)
[[ -n $runs ]] || runs=0
result=pass
if (( rc != 0 )); then
  result=fail
  tail -n 60 "$log" >&2
  echo "fuzz-$name: crash input(s) in $work/artifacts/" >&2
fi
tail -n 4 "$log"
echo "RESULT campaign=fuzz-$name size=\"$runs executions in ${secs} s\" checked=\"$checked\" result=$result"
exit $(( rc != 0 ))
