#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# lags-capacity: capacity at an SLO.  For each configuration, bisects the
# highest offered load (fraction of CPU capacity) whose p99 latency stays
# within the SLO (default 10x the mean service time) and nothing is
# dropped or left unfinished, then turns the capacity ratio into "nodes needed for the same
# load" relative to stock.
#
# Usage: lags-capacity [--quick] [--configs "A B ..."] [--lo L] [--hi H]
#                      [--steps N] [--seconds S] [--slo-us US]
#                      [--model FILE] [--out DIR]
#                      [-- FAAS-NODE-BENCH-OPTIONS...]
#
# Defaults: configurations stock lags slice3ms onegroup (those this
# kernel has; flatcg, the sched_ext peer, on request: see lags-ab
# --help), load bracket 0.1..1.2, 6 bisection steps (resolution
# (hi-lo)/64), 10 s per run, seed 1 for every run.  --quick: 4 steps of
# 3 s.  The bracket is first moved until stock lands inside it (hi
# raised x1.5 while stock still holds its SLO there, up to 4 times; lo
# halved while stock misses there, up to 4 times), so that the ratios
# resolve; every configuration then uses that bracket.
# --model FILE runs every configuration twice, without and with the
# switch-cost model (faas-node-bench --cost-model FILE, named
# CONFIG+model, compared with stock+model).
# Output: DIR/points.txt ("CONFIG LOAD P99_NS OK"), DIR/capacity.txt,
# DIR/capacity-table.txt, DIR/bracket.txt, and DIR/capacity.json: the
# capacity per configuration in requests/s per node (the offered rate
# of the highest load that held), which lags-fleet reads.
set -u

prog=lags-capacity
usage() { sed -n '/^# Usage/,/^# Defaults/p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lags-common"
bench=$(find_tool faas-node-bench) || exit 1

configs="stock lags slice3ms onegroup" lo=0.1 hi=1.2 steps=6 seconds=10 slo='' out='' model=''
while [ $# -gt 0 ]; do
	case $1 in
	--quick) steps=4 seconds=3; shift ;;
	--configs) configs=${2:?}; shift 2 ;;
	--lo) lo=${2:?}; shift 2 ;;
	--hi) hi=${2:?}; shift 2 ;;
	--steps) steps=${2:?}; shift 2 ;;
	--seconds) seconds=${2:?}; shift 2 ;;
	--slo-us) slo=${2:?}; shift 2 ;;
	--model) model=${2:?}; shift 2 ;;
	--out) out=${2:?}; shift 2 ;;
	-h|--help) usage ;;
	--) shift; break ;;
	*) say "unknown option '$1'"; usage ;;
	esac
done
case $steps in ''|*[!0-9]*) say "--steps wants a number"; exit 2 ;; esac
awk -v a="$lo" -v b="$hi" 'BEGIN { exit !(a + 0 > 0 && b + 0 > a + 0) }' ||
	{ say "need 0 < --lo < --hi"; exit 2; }
[ -n "$slo" ] && set -- --slo-us "$slo" "$@"
[ -z "$model" ] || [ -r "$model" ] || { say "--model: cannot read '$model'"; exit 2; }
out=$(out_dir "$out" capacity) || exit 1

. "$here/lags-knobs"
knobs_begin
runnable=$(knobs_runnable "$configs") || die "unknown configuration in '$configs'"

# run_at CONFIG LOAD: 0 when the SLO holds; appends to points.txt.
# CONFIG+model: CONFIG with the switch-cost model on.
run_at() {
	cfg=$1 load=$2
	shift 2
	case $cfg in
	*+model) set -- "$@" --cost-model "$model"; knob=${cfg%+model} ;;
	*) knob=$cfg ;;
	esac
	extra=$(knobs_apply "$knob") || return 2
	sum=$out/$cfg-$load.sum
	json=$out/$cfg-$load.json
	# $extra unquoted on purpose: zero or more options.
	"$bench" --quiet --seed 1 --seconds "$seconds" --load "$load" --label "$cfg" \
		--summary "$sum" --json "$json" "$@" $extra 2>"$out/$cfg-$load.err"
	rc=$?
	knobs_restore
	[ "$rc" -eq 0 ] || { say "$cfg at load $load failed (exit $rc): $(head -n 1 "$out/$cfg-$load.err")"; return 2; }
	p99=$(awk '$1 == "latency_p99_ns" { print $2 }' "$sum")
	slo_ns=$(awk '$1 == "\"slo_ns\":" { gsub(/,/, "", $2); print $2 }' "$json")
	dropped=$(awk '$1 == "\"dropped\":" { gsub(/,/, "", $2); print $2; exit }' "$json")
	# Unfinished requests are not in the percentiles: they count as a miss.
	unfinished=$(awk '$1 == "unfinished" { print $2 }' "$sum")
	ok=1
	[ "$p99" -le "$slo_ns" ] && [ "${dropped:-1}" -eq 0 ] && [ "${unfinished:-1}" -eq 0 ] && ok=0
	echo "$cfg $load $p99 $((1 - ok))" >>"$out/points.txt"
	say "$cfg load $load: p99 $((p99 / 1000)) us (SLO $((slo_ns / 1000)) us) -> $([ $ok -eq 0 ] && echo ok || echo miss)"
	return $ok
}

: >"$out/points.txt"
: >"$out/capacity.txt"
all=
for c in $runnable; do
	all="$all $c"
	[ -n "$model" ] && all="$all $c+model"
done

# Move the bracket until stock lands inside it (first stock, without the
# model, when it runs here).
base=
case " $runnable " in *" stock "*) base=stock ;; esac
if [ -n "$base" ]; then
	i=0
	while [ "$i" -lt 4 ] && run_at "$base" "$hi" "$@"; do
		hi=$(awk -v h="$hi" 'BEGIN { printf "%.4f", h * 1.5 }')
		i=$((i + 1))
	done
	i=0
	while [ "$i" -lt 4 ] && ! run_at "$base" "$lo" "$@"; do
		lo=$(awk -v l="$lo" 'BEGIN { printf "%.4f", l / 2 }')
		i=$((i + 1))
	done
fi
echo "bracket $lo $hi" >"$out/bracket.txt"
say "bracket $lo..$hi (stock inside when both ends moved less than 4 times)"

for c in $all; do
	low=$lo high=$hi
	# If even the low end misses, report it; if the high end holds,
	# the capacity is at least hi.
	if ! run_at "$c" "$low" "$@"; then
		echo "$c $low below" >>"$out/capacity.txt"
		continue
	fi
	if run_at "$c" "$high" "$@"; then
		echo "$c $high above" >>"$out/capacity.txt"
		continue
	fi
	i=0
	while [ "$i" -lt "$steps" ]; do
		mid=$(awk -v a="$low" -v b="$high" 'BEGIN { printf "%.4f", (a + b) / 2 }')
		if run_at "$c" "$mid" "$@"; then low=$mid; else high=$mid; fi
		i=$((i + 1))
	done
	echo "$c $low exact" >>"$out/capacity.txt"
done

# json_number FILE KEY: the first number after "KEY": in a
# faas-node-bench JSON (one key per line); empty when absent.
json_number() {
	[ -r "$1" ] && awk -v k="\"$2\":" '$1 == k { gsub(/,/, "", $2); print $2; exit }' "$1"
}
# json_text S: S as a JSON string body (backslashes and quotes escaped).
json_text() { printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g'; }

# capacity.json: one object per line of capacity.txt.  capacity_per_s
# is the offered rate (requests/s) of the run at the capacity load; null
# when the configuration missed even at the bottom of the bracket.
{
	printf '{\n  "tool": "lags-capacity",\n  "format": 1,\n'
	printf '  "kernel": "%s",\n  "cpus": %s,\n' "$(json_text "$(uname -r)")" "$(nproc)"
	printf '  "bracket": [%s, %s],\n  "model": "%s",\n  "configs": [' "$lo" "$hi" "$(json_text "$model")"
	sep=''
	while read -r c load bound; do
		j=$out/$c-$load.json
		rate=$(json_number "$j" offered_rate_per_s)
		slo_ns=$(json_number "$j" slo_ns)
		p99=$(awk -v c="$c" -v l="$load" '$1 == c && $2 == l { v = $3 } END { print v }' "$out/points.txt")
		cpus=$(json_number "$j" cpus)
		service=$(json_number "$j" service_us)
		[ "$bound" = below ] && rate=null
		printf '%s\n    {"config": "%s", "bound": "%s", "load": %s, "capacity_per_s": %s, "slo_ns": %s, "p99_ns": %s, "cpus": %s, "service_us": %s}' \
			"$sep" "$(json_text "$c")" "$bound" "$load" "${rate:-null}" "${slo_ns:-null}" \
			"${p99:-null}" "${cpus:-null}" "${service:-null}"
		sep=,
	done <"$out/capacity.txt"
	printf '\n  ]\n}\n'
} >"$out/capacity.json"

echo "lags-capacity: $(uname -r), $(nproc) CPUs; highest load with p99 within the SLO; bracket $lo..$hi${model:+; model: $model}"
awk '$1 == "stock" && $3 == "exact" { base = $2 }
     $1 == "stock+model" && $3 == "exact" { mbase = $2 }
     { cap[FNR] = $0 }
     END {
	printf "%-20s %9s %10s %22s\n", "config", "capacity", "vs stock", "nodes for stock load"
	for (i = 1; i in cap; i++) {
		split(cap[i], f, " ")
		b = f[1] ~ /\+model$/ ? mbase : base
		note = f[3] == "exact" ? "" : (f[3] == "above" ? " (at least)" : " (below the bracket)")
		if (f[3] == "below")
			printf "%-20s %9s %10s %22s%s\n", f[1], "<" f[2], "-", "-", note
		else if (b > 0)
			printf "%-20s %9.3f %9.2fx %21.1f%%%s\n", f[1], f[2], f[2] / b,
			       100 * b / f[2], note
		else
			printf "%-20s %9.3f %10s %22s%s\n", f[1], f[2], "-", "-", note
	}
     }' "$out/capacity.txt" | tee "$out/capacity-table.txt"
if command -v gnuplot >/dev/null 2>&1 && [ -x "$here/lags-plot" ]; then
	"$here/lags-plot" capacity "$out" || say "plotting failed"
fi
exit 0
