#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# lags-headline: the one short table to read first.  LAGS against LAGS
# off ("stock") and against the best tuned stock configuration of the
# same boot, for switches per request, p50, p99 (ratios within each
# repetition, min/median/max over repetitions, from lags-ab's samples)
# and capacity at the p99 SLO with the switch-cost model off and on
# (from lags-capacity; one bisection each, so no spread).
#
# Usage: lags-headline --ab DIR [--capacity DIR] [--config NAME]
#        lags-headline --ab DIR --print-best
#
#   --ab DIR        a lags-ab output directory (samples.txt)
#   --capacity DIR  a lags-capacity output directory (capacity.txt),
#                   with or without --model
#   --config NAME   the configuration to headline (default lags)
#   --print-best    print only the name of the best tuned stock
#                   configuration (nothing when the run has none)
#
# "Best tuned stock": of the tuned stock configurations in the run
# (slice3ms, slice100ms, norun2parity, onegroup), the one with the lowest
# median p99 ratio to stock: what an operator who tunes for latency
# would keep.  Lower is better for every row but capacity.
set -u

prog=lags-headline
usage() { sed -n '/^# Usage/,/^# \"Best/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lags-common"
stats=$(find_tool ab-stats) || exit 1

ab='' cap='' config=lags print_best=''
while [ $# -gt 0 ]; do
	case $1 in
	--print-best) print_best=1; shift ;;
	--ab) ab=${2:?}; shift 2 ;;
	--capacity) cap=${2:?}; shift 2 ;;
	--config) config=${2:?}; shift 2 ;;
	-h|--help) usage ;;
	*) say "unknown option '$1'"; usage ;;
	esac
done
[ -n "$ab" ] || { say "--ab DIR is required"; usage; }
samples=$ab/samples.txt
[ -s "$samples" ] || die "no samples in $samples (is $ab a lags-ab output?)"
grep -q "^$config " "$samples" || die "configuration '$config' is not in $samples"

tsv=$(mktemp) || exit 1
trap 'rm -f "$tsv" "$tsv.best"' EXIT
"$stats" --baseline stock --tsv "$samples" >"$tsv" || die "ab-stats failed on $samples"
best=$(awk -F '\t' '$1 == "latency_p99_ns" && $2 ~ /^(slice3ms|slice100ms|norun2parity|onegroup)$/ {
		if (b == "" || $7 + 0 < v) { b = $2; v = $7 + 0 } }
	END { print b }' "$tsv")
if [ -n "$print_best" ]; then
	[ -n "$best" ] && echo "$best"
	exit 0
fi
if [ -n "$best" ]; then
	"$stats" --baseline "$best" --tsv "$samples" >"$tsv.best" || die "ab-stats failed"
fi
reps=$(awk -v c="$config" '$1 == c { r[$2] = 1 } END { n = 0; for (k in r) n++; print n }' "$samples")

# row LABEL METRIC: "min/median/max" against stock and against the best.
cell() {	# FILE METRIC
	awk -F '\t' -v m="$2" -v c="$config" '$1 == m && $2 == c {
		printf "%.2f (%.2f..%.2f)", $7, $6, $8; found = 1 }
		END { if (!found) printf "-" }' "$1"
}
row() {
	b=-
	[ -n "$best" ] && b=$(cell "$tsv.best" "$2")
	printf '%-24s %-22s %-22s\n' "$1" "$(cell "$tsv" "$2")" "$b"
}

echo "HEADLINE: $config vs LAGS off and vs the best tuned stock (${best:-none in this run}),"
echo "ratios within each of $reps repetitions: median (min..max); lower is better, capacity excepted"
printf '%-24s %-22s %-22s\n' "metric" "vs stock" "vs ${best:-tuned}"
row "switches per request" switches_per_request
row "  involuntary" involuntary_per_request
row "  function handovers" handovers_per_request
row "latency p50" latency_p50_ns
row "latency p99" latency_p99_ns
if [ -n "$cap" ]; then
	[ -s "$cap/capacity.txt" ] || die "no capacity.txt in $cap"
	awk -v c="$config" -v best="$best" '
		{ load[$1] = $2; kind[$1] = $3 }
		function ratio(a, b) {
			if (!(a in load) || !(b in load)) return "-"
			if (kind[a] != "exact" || kind[b] != "exact")
				return sprintf("%s/%s (bracket edge)", load[a], load[b])
			return sprintf("%.2fx", load[a] / load[b])
		}
		END {
			printf "%-24s %-22s %-22s\n", "capacity, model off", ratio(c, "stock"),
			       best == "" ? "-" : ratio(c, best)
			if ((c "+model") in load)
				printf "%-24s %-22s %-22s\n", "capacity, model on",
				       ratio(c "+model", "stock+model"),
				       best == "" ? "-" : ratio(c "+model", best "+model")
			else
				printf "%-24s %-22s\n", "capacity, model on", "not run (lags-capacity --model)"
		}' "$cap/capacity.txt"
	[ -s "$cap/bracket.txt" ] && echo "(capacity: one bisection per configuration, $(cat "$cap/bracket.txt"))"
fi
exit 0
