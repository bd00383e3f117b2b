#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# faas-node-bench in the guest: 64 functions in real cpu cgroups, sane
# numbers in the JSON, and no cgroup left behind (also after SIGTERM);
# lags-regress reports cyclictest percentiles and leaves no cgroup.
# lags-kernels: stock lags
. "$(dirname "$0")/../lib/tap.sh"

command -v faas-node-bench >/dev/null || tap_skip_all "faas-node-bench not installed"
out=/results/bench-smoke
mkdir -p "$out"
json=$out/run.json

# jget KEY FILE: the first value of "KEY": in the (pretty-printed) JSON.
jget() { sed -n "s/^ *\"$1\": \"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\}$/\1/p" "$2" | head -n 1; }
cgroup_root=$(awk '{ for (i = 7; i < NF; i++) if ($i == "-") break }
	$(i + 1) == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
[ -n "$cgroup_root" ] || tap_skip_all "no cgroup2 mount"
leftovers() { ls -d "$cgroup_root"/faas-node-bench.* 2>/dev/null | wc -l; }

before=$(leftovers)
faas-node-bench --functions 64 --seconds 3 --load 0.8 --json "$json" \
	--summary "$out/run.sum" >"$out/run.txt" 2>&1 &
pid=$!
# While it runs: 64 function groups, each a real cpu task group.
groups=0 weights=0 i=0
while [ "$i" -lt 40 ]; do
	sleep 0.25
	i=$((i + 1))
	parent=$(ls -d "$cgroup_root"/faas-node-bench.* 2>/dev/null | head -n 1)
	[ -n "$parent" ] || continue
	groups=$(ls -d "$parent"/f* 2>/dev/null | wc -l)
	weights=$(ls "$parent"/f*/cpu.weight 2>/dev/null | wc -l)
	[ "$groups" -eq 64 ] && break
done
wait "$pid"
rc=$?
cat "$out/run.txt" | sed 's/^/# /'
tap_is "generator exits 0" "$rc" 0
tap_is "64 function cgroups while running" "$groups" 64
tap_is "every function group has cpu.weight (its own task group)" "$weights" 64
tap_is "report is complete" "$(jget partial "$json")" false
tap_is "64 functions in the report" "$(jget functions "$json")" 64
issued=$(jget issued "$json")
completed=$(jget completed "$json")
bad=1
[ "${completed:-0}" -gt 0 ] && [ "$((completed * 2))" -ge "${issued:-0}" ] && bad=0
tap_result $bad "at least half the requests completed ($completed of $issued)"
p50=$(jget p50 "$json")
p99=$(jget p99 "$json")
bad=1
[ "${p50:-0}" -ge 100000 ] && [ "${p50:-0}" -le "${p99:-0}" ] && bad=0
tap_result $bad "p50 ${p50:-?} ns >= 0.1 ms and <= p99 ${p99:-?} ns"
spr=$(jget per_request "$json")
total=$(jget total "$json")
tap_ok "context switches counted ($total, $spr per request)" [ "${total:-0}" -gt 0 ]
tap_ok "kernel release recorded" [ "$(jget kernel "$json")" = "$(uname -r)" ]
if [ -e /sys/kernel/debug/lags/stats ]; then
	tap_ok "lags module counters in the report" grep -q '"lags_stats": {' "$json"
else
	tap_skip "lags module counters in the report" "lags module not loaded"
fi
tap_is "no cgroup left after the run" "$(leftovers)" "$before"

# Stopped halfway: partial report, exit 3, and still nothing left.
faas-node-bench --functions 64 --seconds 60 --load 0.5 --json "$out/term.json" \
	--depth 4 --quiet >"$out/term.txt" 2>&1 &
pid=$!
sleep 3
kill -TERM "$pid"
wait "$pid"
rc=$?
tap_is "SIGTERM: exit status 3" "$rc" 3
tap_is "SIGTERM: report marked partial" "$(jget partial "$out/term.json")" true
tap_is "SIGTERM: no cgroup left (depth 4)" "$(leftovers)" "$before"

# lags-regress: SCHED_FIFO cyclictest with p99 <= max, and the SCHED_OTHER
# probe in its own cgroup beside the load; its groups are removed.
if command -v lags-regress >/dev/null && command -v cyclictest >/dev/null; then
	lags-regress --quick cyclictest cyclictest-fair-dense >"$out/regress.txt" 2>"$out/regress.err"
	rc=$?
	tap_is "lags-regress exits 0" "$rc" 0
	val() { awk -v m="$1" '$3 == m { print int($4) }' "$out/regress.txt"; }
	for m in cyclictest cyclictest_fair_dense; do
		p99=$(val $m.p99_us) max=$(val $m.max_us)
		bad=1
		[ -n "$p99" ] && [ -n "$max" ] && [ "$p99" -gt 0 ] && [ "$p99" -le "$max" ] && bad=0
		tap_result $bad "lags-regress $m: p99 ${p99:-?} us > 0 and <= max ${max:-?} us"
	done
	tap_is "lags-regress: no cgroup left" "$(ls -d "$cgroup_root"/lags-regress.* 2>/dev/null | wc -l)" 0
else
	tap_skip "lags-regress cyclictest" "lags-regress or cyclictest missing"
fi
tap_done
