#!/bin/sh
# plot.sh — latency percentiles vs reader count from `mdbus-bench ... --json` output.
#
#   mdbus-bench all --json > bench.json
#   tools/bench/plot.sh bench.json docs/bench-latency.png
#
# One panel per reader wait mode (spin, spin-then-sleep, sleep): p50, p99 and p99.9 of
# the paced one-way latency (--matrix-rate) against the number of reader processes,
# medians over the repetitions, log-log; the cache-line round trip of the same run
# is drawn as a reference line.  Needs jq and gnuplot.
set -eu

json=${1:?usage: plot.sh BENCH.json [OUT.png]}
out=${2:-bench-latency.png}
command -v jq >/dev/null || { echo "plot.sh: needs jq" >&2; exit 1; }
command -v gnuplot >/dev/null || { echo "plot.sh: needs gnuplot" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for w in spin default sleep; do
	# readers  p50  p99  p99.9  (µs): the median of each metric
	jq -r --arg w "$w" '
		. as $d
		| $d.parameters.readers[]
		| . as $n
		| [ ($n | tostring) ]
		  + ([ "p50_ns", "p99_ns", "p999_ns" ]
		     | map(($d.metrics["ring.lat.\($w).n\($n).\(.)"].median // null)
		           | if . == null then "NaN" else (. / 1000 | tostring) end))
		| join(" ")' "$json" > "$tmp/$w.dat"
done

floor=$(jq -r '(.metrics["floor.rtt.p50_ns"].median // 0) / 1000' "$json")
rate=$(jq -r '.parameters.matrix_rate / 1000' "$json")
reps=$(jq -r '.reps' "$json")
# The noise of the run: CPUs other processes used (median over the repetitions).
others=$(jq -r '(.metrics["machine.others_cpus"].median // null) | if . == null then "?" else (. * 100 | round / 100 | tostring) end' "$json")
cpus=$(jq -r '.machine.cpus' "$json")

gnuplot <<GP
set terminal pngcairo size 1500,560 font "Sans,10"
set output "$out"
set multiplot layout 1,3 title "mdbus one-way latency vs reader processes (paced at ${rate} k records/s, 64-byte records, ${cpus} CPUs; median of ${reps} reps; other processes used ${others} CPUs)"
set logscale xy
set xrange [0.8:40]
set xtics ("1" 1, "2" 2, "4" 4, "8" 8, "16" 16, "32" 32)
set xlabel "reader processes"
set ylabel "latency (µs)"
set grid
set key horizontal bmargin center
set bmargin 6
set format y "%g"
floor = $floor
do for [w in "spin default sleep"] {
	t = (w eq "default") ? "spin-then-sleep" : w
	set title t
	plot "$tmp/".w.".dat" using 1:2 with linespoints lw 2 pt 7 title "p50", \
	     "" using 1:3 with linespoints lw 2 pt 5 title "p99", \
	     "" using 1:4 with linespoints lw 2 pt 9 title "p99.9", \
	     (floor > 0 ? floor : 1/0) with lines dt 2 lc rgb "gray40" title "cache-line round trip"
}
unset multiplot
GP
echo "plot.sh: wrote $out"
