#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# lags-ab: A/B comparison of scheduler configurations within one boot.
# Runs faas-node-bench once per configuration and repetition, the
# configurations interleaved (and rotated) in every repetition with the
# same seed, and reports each metric as a ratio to "stock" (ratios taken
# within a repetition): min/median/max over repetitions.
#
# Usage: lags-ab [--quick] [--reps R] [--seconds S] [--configs "A B ..."]
#                [--aa] [--regress] [--switch mode|key] [--out DIR]
#                [-- FAAS-NODE-BENCH-OPTIONS...]
#
# Configurations (each is skipped with a note when the kernel lacks it):
#   stock         LAGS off (sched_lags=0 when the sysctl exists)
#   lags          LAGS on (needs /proc/sys/kernel/sched_lags)
#   lags-mN       LAGS with only the mechanisms of mode mask N (ablation:
#                 1 drain, 2 wakeup deferral, 4 guard, 8 light wakers)
#   slice3ms      debugfs sched/base_slice_ns = 3 ms, LAGS off
#   slice100ms    debugfs sched/base_slice_ns = 100 ms, LAGS off
#   norun2parity  sched/features NO_RUN_TO_PARITY, LAGS off
#   onegroup      every function in one cgroup, LAGS off
#   flatcg        the sched_ext scheduler scx_flatcg, LAGS off (a kernel
#                 with sched_ext, make kernel-lags-scx, and scx_flatcg on
#                 PATH, scripts/scx-build); checked to be the active
#                 scheduler before the run, unloaded after it; only on
#                 request (--configs)
#   stock-again   stock once more: the A/A noise floor (--aa)
# --regress also runs lags-regress --quick in every configuration and
# repetition (its metrics join the same table).
# --switch: how LAGS is turned on and off between runs.  "mode" (the
# default when kernel.sched_lags_mode exists) sets sched_lags=1 once and
# switches the mode mask (stock = mask 0); "key" flips sched_lags, the
# static key, around every run (live code patching; crashed TCG guests).
# Every knob is restored at exit, also after Ctrl-C.
#
# --quick: 3 repetitions of 4 s at 64 functions, load 0.7 (a TCG guest
# is far slower per request than its nominal capacity; at 0.9 it is
# overloaded and tails explode): about two minutes in a 2-vCPU TCG guest.  Output below DIR (default
# /results/ab when /results exists, else ./lags-ab-TIME): per run JSON,
# summary and latency histogram; samples.txt; ab.txt (the headline
# table), ab-all.txt (every metric), ab.tsv; run-info.txt.
set -u

prog=lags-ab
usage() { sed -n '/^# Usage/,/^# Every knob/p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lags-common"
bench=$(find_tool faas-node-bench) || exit 1
stats=$(find_tool ab-stats) || exit 1

reps=5 seconds=20 configs='' out='' aa='' quick='' regress=''
while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=1; shift ;;
	--reps) reps=${2:?}; shift 2 ;;
	--seconds) seconds=${2:?}; shift 2 ;;
	--configs) configs=${2:?}; shift 2 ;;
	--aa) aa=1; shift ;;
	--regress) regress=1; shift ;;
	--switch) KNOBS_SWITCH=${2:?}; shift 2
		case $KNOBS_SWITCH in mode|key) ;; *) say "--switch wants mode or key"; exit 2 ;; esac ;;
	--out) out=${2:?}; shift 2 ;;
	-h|--help) usage ;;
	--) shift; break ;;
	*) say "unknown option '$1'"; usage ;;
	esac
done
case $reps in ''|*[!0-9]*|0) say "--reps wants a positive number, not '$reps'"; exit 2 ;; esac
if [ -n "$quick" ]; then
	reps=3 seconds=4
	set -- --functions 64 --load 0.7 --drain-seconds 1 "$@"
fi
[ -n "$configs" ] || configs="stock lags slice3ms slice100ms norun2parity onegroup"
[ -n "$aa" ] && configs="$configs stock-again"
out=$(out_dir "$out" ab) || exit 1

. "$here/lags-knobs"
knobs_begin
runnable=$(knobs_runnable "$configs") || die "unknown configuration in '$configs'"
for c in $configs; do
	case " $runnable " in *" $c "*) ;; *) echo "$c skipped: no knob" >>"$out/skipped.txt" ;; esac
done
nconf=0
for c in $runnable; do nconf=$((nconf + 1)); done
[ "$nconf" -gt 0 ] || die "no configuration can run here"

samples=$out/samples.txt
: >"$samples"
{
	echo "kernel $(uname -r)"
	echo "cpus $(nproc)"
	echo "reps $reps seconds $seconds"
	echo "configs$runnable"
	echo "lags switched by ${knobs_switch:-none}"
	printf 'options'; for a; do printf ' %s' "$a"; done; echo
} >"$out/run-info.txt"

rep=1
while [ "$rep" -le "$reps" ]; do
	# Rotate the order so no configuration always runs first.
	i=0 order='' tail=''
	for c in $runnable; do
		if [ "$i" -lt $(((rep - 1) % nconf)) ]; then tail="$tail $c"; else order="$order $c"; fi
		i=$((i + 1))
	done
	for c in $order $tail; do
		extra=$(knobs_apply "$c") || { say "cannot apply $c"; continue; }
		base=$out/$c-$rep
		say "rep $rep/$reps: $c"
		# $extra is unquoted on purpose: zero or more options.
		"$bench" --quiet --seed "$rep" --seconds "$seconds" --label "$c" \
			--json "$base.json" --summary "$base.sum" \
			--hist-csv "$base.hist.csv" "$@" $extra 2>"$base.err"
		rc=$?
		knobs_restore
		if [ "$rc" -ne 0 ]; then
			say "$c rep $rep failed (exit $rc): $(head -n 3 "$base.err")"
			echo "$c $rep exit $rc" >>"$out/failures.txt"
			continue
		fi
		awk -v c="$c" -v r="$rep" '$1 != "partial" { print c, r, $1, $2 }' \
			"$base.sum" >>"$samples"
		# One line per run on the console: survives a guest crash.
		say "$(awk -v c="$c" -v r="$rep" '
			$1 == "latency_p50_ns" { p50 = $2 / 1e6 } $1 == "latency_p99_ns" { p99 = $2 / 1e6 }
			$1 == "switches_per_request" { s = $2 } $1 == "involuntary_per_request" { i = $2 }
			END { printf "%s rep %s: p50 %.2f ms, p99 %.2f ms, %.3f switches/request (%.3f involuntary)", c, r, p50, p99, s, i }' "$base.sum")"
		if [ -n "$regress" ]; then
			knobs_apply "$c" >/dev/null
			"$here/lags-regress" --quick --label "$c" --rep "$rep" \
				>>"$samples" 2>"$base.regress.err"
			knobs_restore
		fi
	done
	rep=$((rep + 1))
done

[ -s "$samples" ] || die "no run succeeded (see $out/*.err)"
"$stats" --baseline stock "$samples" >"$out/ab-all.txt" || die "ab-stats failed"
"$stats" --baseline stock --tsv "$samples" >"$out/ab.tsv"
echo "Linux $(uname -r)" >"$out/kernel"

# ab.txt: the headline metrics; ab-all.txt has every metric.
{
	echo "lags-ab: Linux $(uname -r), $(nproc) CPUs, $reps reps x ${seconds}s, ratios to stock (same rep)"
	awk 'NR == 1 || $1 ~ /^(throughput_per_s|within_slo_fraction|latency_p50_ns|latency_p99_ns|switches_per_request|involuntary_per_request|handovers_per_request|generator_switches_per_request|dispatch_lag_p99_ns|switches_per_s|generator_cpu_share|lags_(switches|cross_group)_per_request|hackbench|messaging|pipe|switch\.|cyclictest)/' \
		"$out/ab-all.txt"
} >"$out/ab.txt"
cat "$out/ab.txt"
[ -s "$out/failures.txt" ] && { say "failed runs:"; cat "$out/failures.txt" >&2; }
if command -v gnuplot >/dev/null 2>&1 && [ -x "$here/lags-plot" ]; then
	"$here/lags-plot" ab "$out" || say "plotting failed"
fi
exit 0
