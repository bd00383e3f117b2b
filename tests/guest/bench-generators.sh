#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# faas-node-bench's three generators in one boot, each run at a light
# load (0.4) where nothing should be late:
#   self  the functions time themselves: the generator makes (almost) no
#         switches and uses < 1% CPU; the functions' own timer lag p99
#         stays below SELF_LAG_P99_MS
#   fifo  one SCHED_FIFO dispatcher: its switches counted apart from
#         the functions'; send lag p99 below FIFO_LAG_P99_MS
#   fair  one SCHED_OTHER dispatcher (the v1 bench): reported, bounded
#         only by FAIR_LAG_MAX_MS (it competes with the functions)
# and the request shapes: 3 bursts with I/O waits (exactly 2 waits per
# request), fan-out over 2 threads, and the switch-cost model charging
# handovers with a calibration file from real hardware.
# lags-kernels: stock lags
. "$(dirname "$0")/../lib/tap.sh"

command -v faas-node-bench >/dev/null || tap_skip_all "faas-node-bench not installed"
out=/results/bench-generators
mkdir -p "$out"

# Bounds in milliseconds of guest time.  Under TCG a timer fires about
# 1 ms late on average even for SCHED_FIFO (measured: fifo and fair send
# lag p99 4-5 ms, self timer lag p99 11 ms at this load), and more when
# the host is busy: in make check, where the stock suite shares the 2
# CPUs with the background harness guests, self 21.9 ms (2026-12-06) and
# fifo 22.9 ms (2026-12-07, the stock kernel), so both bounds are 30 ms.
# A real machine is ~100x better.  A generator that is late by more than
# this is broken, not slow.
SELF_LAG_P99_MS=${SELF_LAG_P99_MS:-30}
FIFO_LAG_P99_MS=${FIFO_LAG_P99_MS:-30}
FAIR_LAG_MAX_MS=${FAIR_LAG_MAX_MS:-500}

sum() { awk -v k="$1" '$1 == k { print $2 }' "$2"; }
# le A B: A <= B for decimal numbers
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && b != "" && a + 0 <= b + 0) }'; }

run() {	# NAME OPTIONS...: one run, its summary in $out/NAME.sum
	name=$1
	shift
	faas-node-bench --functions 32 --seconds 4 --load 0.4 --service-us 1000 \
		--quiet --summary "$out/$name.sum" --json "$out/$name.json" "$@" \
		>"$out/$name.txt" 2>&1
}

for g in self fifo fair; do
	run "$g" --generator "$g"
	rc=$?
	tap_is "--generator $g: exit 0" "$rc" 0
	[ "$rc" -eq 0 ] || { sed 's/^/# /' "$out/$g.txt"; continue; }
	lag99=$(awk '$1 == "dispatch_lag_p99_ns" { printf "%.3f", $2 / 1e6 }' "$out/$g.sum")
	lagmax=$(awk '$1 == "dispatch_lag_max_ns" { printf "%.3f", $2 / 1e6 }' "$out/$g.sum")
	gsw=$(sum generator_switches_per_request "$out/$g.sum")
	gcpu=$(sum generator_cpu_share "$out/$g.sum")
	hand=$(sum handovers_per_request "$out/$g.sum")
	tap_diag "$g: lag p99 $lag99 ms, max $lagmax ms; generator $gsw switches/request, CPU $gcpu; $hand handovers/request"
	grep -q "\"generator\": \"$g\"" "$out/$g.json"
	tap_result $? "--generator $g: recorded in the JSON"
	case $g in
	self)
		le "$lag99" "$SELF_LAG_P99_MS"
		tap_result $? "self: the functions' timer lag p99 $lag99 ms <= $SELF_LAG_P99_MS ms"
		le "$gsw" 0.05
		tap_result $? "self: the generator makes almost no switches ($gsw per request <= 0.05)"
		le "$gcpu" 0.01
		tap_result $? "self: generator CPU $gcpu <= 1% of capacity"
		;;
	fifo)
		le "$lag99" "$FIFO_LAG_P99_MS"
		tap_result $? "fifo: send lag p99 $lag99 ms <= $FIFO_LAG_P99_MS ms"
		le 0.1 "$gsw"
		tap_result $? "fifo: the dispatcher's switches are counted apart ($gsw per request >= 0.1)"
		;;
	fair)
		le "$lagmax" "$FAIR_LAG_MAX_MS"
		tap_result $? "fair: send lag max $lagmax ms <= $FAIR_LAG_MAX_MS ms"
		;;
	esac
	le 0.01 "$hand"
	tap_result $? "$g: handovers (resumes after another function) counted ($hand per request)"
done

# Request shapes: every request of 3 bursts waits twice for its I/O.
run shape --bursts 3 --io-us 300 --io-shape exp --fanout 2
rc=$?
tap_is "bursts, I/O and fan-out: exit 0" "$rc" 0
jget() { sed -n "s/^ *\"$1\": \"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\}$/\1/p" "$2" | head -n 1; }
completed=$(jget completed "$out/shape.json")
unfinished=$(jget unfinished "$out/shape.json")
waits=$(jget io_waits "$out/shape.json")
# Every completed request waited twice; one cut short at the end may
# have waited once or twice too (it counts as unfinished).
bad=1
[ "${completed:-0}" -gt 0 ] && [ "${waits:-0}" -ge $((2 * completed)) ] &&
	[ "${waits:-0}" -le $((2 * (completed + ${unfinished:-0}))) ] && bad=0
tap_result $bad "3 bursts: 2 I/O waits per request ($waits waits, $completed completed, ${unfinished:-?} unfinished)"

# The switch-cost model: on, with the file named, and charging handovers.
cal=$(ls /lags/calibration/*.tsv 2>/dev/null | head -n 1)
if [ -n "$cal" ]; then
	run model --cost-model "$cal" --working-set-kib 256
	rc=$?
	tap_is "cost model: exit 0" "$rc" 0
	tap_is "cost model: on in the summary" "$(sum cost_model "$out/model.sum")" 1
	grep -q "\"file\": \"$cal\"" "$out/model.json"
	tap_result $? "cost model: the calibration file is named in the JSON"
	charged=$(jget cost_model_charged_ns "$out/model.json")
	tap_ok "cost model: handovers were charged (${charged:-0} ns)" [ "${charged:-0}" -gt 0 ]
	run nomodel --working-set-kib 256
	tap_is "cost model: off by default" "$(sum cost_model "$out/nomodel.sum")" 0
	faas-node-bench --cost-model /nonexistent.tsv --quiet >"$out/badmodel.txt" 2>&1
	rc=$?
	tap_is "cost model: a missing file is exit 1" "$rc" 1
	grep -q "nonexistent.tsv" "$out/badmodel.txt"
	tap_result $? "cost model: the message names the file"
else
	tap_skip "cost model" "no calibration in /lags/calibration"
fi
tap_done
