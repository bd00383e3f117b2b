#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# lags-study: the context-switch measurement study on the running kernel
# (host or guest).  Sweeps cgroups per CPU at a fixed load, each density
# once with one cpu cgroup per function ("groups") and once with all
# functions in one cgroup ("flat"), so the cgroup effect is the ratio of
# the two at the same number of tasks.  Also measures the cost of a
# switch (perf bench sched pipe, within one cgroup and across two;
# stress-ng --switch) and, with --perf, the share of CPU time spent in
# scheduler functions (perf record -a, cpu-clock samples).
#
# Usage: lags-study [--quick] [--per-cpu "1 2 4 ..."] [--seconds S]
#                   [--load L] [--reps R] [--perf] [--no-cost] [--out DIR]
#                   [-- FAAS-NODE-BENCH-OPTIONS...]
#
# Generator options after "--" apply to every run, e.g. "-- --depth 4"
# for the Kubernetes shape (kubepods/burstable/podN/ctr) or "-- --arrival
# closed" for saturation.
# Defaults: --per-cpu "1 2 4 8 16 32 64", 10 s per run, load 0.9,
# 2 ms exponential requests, zipf 1, 4 workers per function (so that the
# most popular function is not limited by its own workers at low
# density).  --quick: "1 4 16 64", 4 s, load 0.6 (a TCG guest saturates early).
# --reps R repeats the whole sweep R times (interleaved: every density
# and mode once per repetition); the table shows the median over
# repetitions.
# Output: DIR/study.txt (table), DIR/study.tsv, DIR/cost.txt, per-run
# JSON, and PNG plots when gnuplot is installed.
set -u

prog=lags-study
usage() { sed -n '/^# Usage/,/^# Defaults/p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lags-common"
bench=$(find_tool faas-node-bench) || exit 1

per_cpu="1 2 4 8 16 32 64" seconds=10 load=0.9 use_perf='' cost=1 out='' reps=1
while [ $# -gt 0 ]; do
	case $1 in
	--quick) per_cpu="1 4 16 64" seconds=4 load=0.6; shift ;;
	--per-cpu) per_cpu=${2:?}; shift 2 ;;
	--seconds) seconds=${2:?}; shift 2 ;;
	--load) load=${2:?}; shift 2 ;;
	--reps) reps=${2:?}; shift 2 ;;
	--perf) use_perf=1; shift ;;
	--no-cost) cost=; shift ;;
	--out) out=${2:?}; shift 2 ;;
	-h|--help) usage ;;
	--) shift; break ;;
	*) say "unknown option '$1'"; usage ;;
	esac
done
case $reps in ''|*[!0-9]*|0) say "--reps wants a positive number, not '$reps'"; exit 2 ;; esac
for k in $per_cpu; do
	case $k in ''|*[!0-9]*|0) say "--per-cpu wants positive numbers, not '$k'"; exit 2 ;; esac
done
out=$(out_dir "$out" study) || exit 1
set -- --workers 4 "$@"
cpus=$(nproc)
[ -n "$use_perf" ] && ! command -v perf >/dev/null 2>&1 && { say "no perf: --perf ignored"; use_perf=; }

# Scheduler functions for the CPU-share estimate (kernel symbols).
sched_re='(^|[^a-z_])(__schedule|schedule|schedule_idle|pick_next_task|pick_task|pick_next_entity|pick_eevdf|__pick_|put_prev|set_next|enqueue_task|enqueue_entity|dequeue_task|dequeue_entit|update_curr|update_load_avg|__update_load|update_cfs|reweight_entity|place_entity|context_switch|finish_task_switch|__switch_to|switch_mm|try_to_wake_up|ttwu_|select_task_rq|select_idle|wakeup_preempt|check_preempt|resched_curr|task_tick_fair|sched_tick|update_rq_clock|__calc_delta|avg_vruntime|entity_eligible|vruntime_eligible|account_cfs_rq|lags_)'
idle_re='(default_idle|cpu_idle|do_idle|intel_idle|poll_idle|native_safe_halt|pv_native_safe_halt|acpi_idle|cpuidle|mwait_idle)'

# perf_share FILE: "SCHED_SHARE_ALL SCHED_SHARE_BUSY" from a perf.data.
perf_share() {
	perf report --stdio --no-children --sort sym -i "$1" 2>/dev/null |
	awk -v s="$sched_re" -v i="$idle_re" '
		/^#/ || !/%/ { next }
		{ p = $1; sub(/%/, "", p); p += 0; all += p
		  sym = $NF
		  if (sym ~ i) idle += p; else if (sym ~ s) sched += p }
		END { busy = all - idle
		      printf "%.4f %.4f\n", (all ? sched / all : 0), (busy > 0 ? sched / busy : 0) }'
}

get() { awk -v k="$1" '$1 == k { print $2 }' "$2"; }

tsv=$out/study.tsv
printf 'per_cpu\tfunctions\tmode\tthroughput_per_s\tswitches_per_request\tinvoluntary_per_request\tswitches_per_s\tsystem_switches_per_s\tp50_ms\tp99_ms\twithin_slo\tcpu_util\tsched_share\tsched_share_busy\trep\n' >"$tsv"
rep=1
while [ "$rep" -le "$reps" ]; do
for k in $per_cpu; do
	n=$((k * cpus))
	for mode in groups flat; do
		opt="--groups per-function"
		[ "$mode" = flat ] && opt="--groups single"
		base=$out/$mode-$k-$rep
		say "rep $rep/$reps: $k cgroups per CPU ($n functions), $mode"
		perf_pid=''
		if [ -n "$use_perf" ]; then
			perf record -a -e cpu-clock -F 499 -o "$base.perf.data" -- \
				sleep "$(awk -v s="$seconds" 'BEGIN { print (s > 2 ? s - 1 : s) }')" \
				>/dev/null 2>"$base.perf.err" &
			perf_pid=$!
		fi
		# $opt unquoted on purpose: two words.
		"$bench" --quiet --seed "$rep" --functions "$n" --seconds "$seconds" \
			--load "$load" $opt --label "$mode-$k" --json "$base.json" \
			--summary "$base.sum" --hist-csv "$base.hist.csv" "$@" \
			2>"$base.err" || { say "run failed: $(head -n 2 "$base.err")"; continue; }
		share="- -"
		if [ -n "$perf_pid" ]; then
			wait "$perf_pid"
			share=$(perf_share "$base.perf.data")
			rm -f "$base.perf.data"
			[ -n "$share" ] || share="- -"
		fi
		s_all=${share% *} s_busy=${share#* }
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$k" "$n" "$mode" \
			"$(get throughput_per_s "$base.sum")" \
			"$(get switches_per_request "$base.sum")" \
			"$(get involuntary_per_request "$base.sum")" \
			"$(get switches_per_s "$base.sum")" \
			"$(get system_switches_per_s "$base.sum")" \
			"$(awk '$1 == "latency_p50_ns" { printf "%.3f", $2 / 1e6 }' "$base.sum")" \
			"$(awk '$1 == "latency_p99_ns" { printf "%.3f", $2 / 1e6 }' "$base.sum")" \
			"$(get within_slo_fraction "$base.sum")" \
			"$(get cpu_utilisation "$base.sum")" "$s_all" "$s_busy" "$rep" >>"$tsv"
	done
done
rep=$((rep + 1))
done

# Median over repetitions per density and mode (study-median.tsv).
awk -F '\t' 'NR == 1 { sub(/rep$/, "reps"); print; next }
	{ key = $1 "\t" $2 "\t" $3; if (!(key in n)) order[++keys] = key
	  n[key]++; for (i = 4; i <= 14; i++) v[key, i, n[key]] = $i }
	function median(key, i,    m, j, k, t, a) {
		m = n[key]
		for (j = 1; j <= m; j++) a[j] = v[key, i, j]
		if (a[1] == "-") return "-"
		for (j = 2; j <= m; j++) { t = a[j]; for (k = j - 1; k >= 1 && a[k] + 0 > t + 0; k--) a[k + 1] = a[k]; a[k + 1] = t }
		return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2 }
	END { for (j = 1; j <= keys; j++) {
		line = order[j]
		for (i = 4; i <= 14; i++) line = line "\t" median(order[j], i)
		print line "\t" n[order[j]] } }' "$tsv" >"$out/study-median.tsv"

if [ -n "$cost" ] && [ -x "$here/lags-regress" ]; then
	say "switch cost: perf bench sched pipe (one cgroup, two cgroups) x5, stress-ng --switch"
	: >"$out/cost.txt"
	for i in 1 2 3 4 5; do
		"$here/lags-regress" --quick --label cost --rep "$i" pipe pipe-cgroups \
			>>"$out/cost.txt" 2>>"$out/cost.err"
	done
	"$here/lags-regress" --quick --label cost switch >>"$out/cost.txt" 2>>"$out/cost.err"
fi

# cost_summary: medians over the alternating pipe runs, and the median of
# the per-repetition ratio two cgroups / one cgroup.
cost_summary() {
	awk '$3 == "pipe.usec_per_op" { one[$2] = $4 }
	     $3 == "pipe_cgroups.usec_per_op" { two[$2] = $4 }
	     $3 == "switch.ns_per_switch" { sw = $4 }
	     function med(a,    n, i, j, t, v) {
		n = 0; for (i in a) v[++n] = a[i]
		for (i = 2; i <= n; i++) { t = v[i]; for (j = i - 1; j >= 1 && v[j] > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
		return n ? (n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2) : 0 }
	     END {
		for (r in one) if (r in two && one[r] > 0) ratio[r] = two[r] / one[r]
		printf "  pipe round trip, one cgroup:  %.2f us (median of %d)\n", med(one), length(one)
		printf "  pipe round trip, two cgroups: %.2f us\n", med(two)
		printf "  two/one, per repetition:      %.2f (median)", med(ratio)
		n = 0; for (r in ratio) printf "%s%.2f", (n++ ? " " : " ["), ratio[r]; if (n) printf "]"
		printf "\n"
		if (sw != "") printf "  stress-ng --switch:           %.0f ns per switch\n", sw
	     }' "$1"
}

{
	echo "lags-study: $(uname -r), $cpus CPUs, load $load, ${seconds}s per run, median of $reps"
	awk -F '\t' 'NR == 1 { next }
		{ key = $1; mode[key, $3] = 1; for (i = 4; i <= NF; i++) v[key, $3, i] = $i
		  if (!(key in seen)) { seen[key] = 1; order[++n] = key } }
		END {
		printf "%8s %6s | %10s %10s %8s | %10s %10s | %9s %9s | %7s %7s\n",
			"cg/CPU", "funcs", "sw/req", "flat", "ratio", "p99 ms", "flat",
			"sw/s", "flat", "sched%", "flat"
		for (j = 1; j <= n; j++) {
			k = order[j]
			g = v[k, "groups", 5]; f = v[k, "flat", 5]
			printf "%8s %6s | %10.3f %10.3f %8.2f | %10.2f %10.2f | %9.0f %9.0f | %7s %7s\n",
				k, k * '"$cpus"', g, f, (f > 0 ? g / f : 0),
				v[k, "groups", 10], v[k, "flat", 10],
				v[k, "groups", 7], v[k, "flat", 7],
				(v[k, "groups", 13] == "-" ? "-" : sprintf("%.1f", 100 * v[k, "groups", 13])),
				(v[k, "flat", 13] == "-" ? "-" : sprintf("%.1f", 100 * v[k, "flat", 13]))
		} }' "$out/study-median.tsv"
	[ -s "$out/cost.txt" ] && { echo "switch cost:"; cost_summary "$out/cost.txt"; }
} | tee "$out/study.txt"

if command -v gnuplot >/dev/null 2>&1 && [ -x "$here/lags-plot" ]; then
	"$here/lags-plot" study "$out" || say "plotting failed"
fi
exit 0
