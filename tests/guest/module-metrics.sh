#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# lags-metrics against lags.ko's debugfs, in a booted kernel:
#   - after a switching load in two cpu cgroups, one lags-metrics pass
#     is compared with the debugfs files read right after it: every
#     per-CPU and per-cgroup counter is at most the debugfs value and
#     short of it by no more than the context switches of the node in
#     between (/proc/stat ctxt read before the pass and after the copy);
#     the tunables are equal (in base units); the node's ctxt lies in
#     that window; the idle cgroups' cpu.stat usage is equal;
#   - lags_module_info names the module's mode, lags_source_up is 1 for
#     debugfs, /proc/stat, /proc/schedstat (CONFIG_SCHEDSTATS) and
#     cgroup v2 cpu.stat;
#   - --interval writes DIR/lags.prom again and again during the load:
#     its counters never go down, it leaves no temporary file behind and
#     ends with status 0 on SIGTERM;
#   - after rmmod: lags_module_loaded 0, a message, status 0.
#
# lags-kernels: stock lags lags-debug lags-distro
. "$(dirname "$0")/module-lib.sh"

M=$(command -v lags-metrics || echo /lags/bin/lags-metrics)
[ -f "$LAGS_KO" ] || tap_skip_all "no $LAGS_KO"
[ -x "$M" ] || tap_skip_all "no lags-metrics binary (bench/ not built)"
lags_loaded && lags_unload
tap_check "insmod lags.ko cgroup_top=8192" lags_load cgroup_top=8192

W=/tmp/lags-metrics.$$
mkdir -p "$W/textfile"
top=$CG/lags-mm-$$
mkdir -p "$top" && echo +cpu >"$top/cgroup.subtree_control" && mkdir "$top/a" "$top/b"

# metric FILE NAME{LABELS}: the value of that sample, "none" if absent.
metric() {
	awk -v k="$2" 'index($0, k " ") == 1 { print substr($0, length(k) + 2); f = 1 }
		END { if (!f) print "none" }' "$1"
}

echo 1 >$D/reset
"$M" --interval 1 --textfile-dir "$W/textfile" 2>"$W/loop.err" &
loop=$!
in_cgroup "$top/a" stress-ng --quiet --switch 2 --timeout 3 &
pa=$!
in_cgroup "$top/b" stress-ng --quiet --switch 2 --timeout 3 &
pb=$!
# Copies of the textfile while the load runs, one per second.
for i in 1 2 3 4; do
	sleep 1
	cp "$W/textfile/lags.prom" "$W/snap.$i" 2>/dev/null
done
wait $pa $pb
kill -TERM $loop
wait $loop
tap_is "lags-metrics --interval ends with status 0 on SIGTERM" "$?" 0
tap_is "--interval left only lags.prom in the directory" "$(ls -A "$W/textfile")" lags.prom
down=
prev=
for i in 1 2 3 4; do
	[ -f "$W/snap.$i" ] || continue
	if [ -n "$prev" ]; then
		down="$down$(awk 'FNR == NR { if ($1 ~ /_total/) v[$1] = $2; next }
			($1 in v) && $2 + 0 < v[$1] + 0 { print $1 " " v[$1] " -> " $2 }' "$prev" "$W/snap.$i")"
	fi
	prev=$W/snap.$i
done
tap_check "textfile written during the load ($(ls "$W"/snap.* 2>/dev/null | wc -l) copies)" \
	test "$(ls "$W"/snap.* 2>/dev/null | wc -l)" -ge 2
tap_is "no counter went down from one textfile to the next" "$down" ""

# One pass, then debugfs at once; ctxt around both bounds the switches.
c0=$(ctxt)
"$M" --once >"$W/once.prom" 2>"$W/once.err"
rc=$?
cp $D/stats "$W/stats"
cp $D/cgroups "$W/cgroups"
cp $D/tunables "$W/tunables"
c1=$(ctxt)
slack=$((c1 - c0))
tap_is "lags-metrics --once exits 0" "$rc" 0
tap_diag "switches between the pass and the copy: at most $slack"
tap_is "nothing on stderr with the module loaded and cgroup v2" "$(cat "$W/once.err")" ""
tap_is "every sample line is NAME[{LABELS}] NUMBER" \
	"$(grep -v '^#' "$W/once.prom" | grep -Ev '^[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})? -?[0-9.]+(e[-+][0-9]+)?$' | head -n 3)" ""
tap_is "lags_module_loaded 1" "$(metric "$W/once.prom" lags_module_loaded)" 1
tap_is "lags_module_info names the mode" \
	"$(metric "$W/once.prom" "lags_module_info{mode=\"$(lags_mode_want)\"}")" 1
for s in lags_debugfs proc_stat schedstat cgroup_cpu_stat; do
	tap_is "lags_source_up{source=\"$s\"} 1" \
		"$(metric "$W/once.prom" "lags_source_up{source=\"$s\"}")" 1
done

# check_window DESC GOT DEBUGFS: 0 <= DEBUGFS - GOT <= slack.
bad=
check_window() {
	case $2 in none|'') bad="$bad $1(missing)"; return ;; esac
	if [ "$2" -gt "$3" ] || [ $(($3 - $2)) -gt "$slack" ]; then
		bad="$bad $1($2 vs $3)"
	fi
}
n=0
for cpu in $(awk 'NR > 1 && $1 != "total" { print $1 }' "$W/stats"); do
	for k in voluntary involuntary; do
		check_window "cpu$cpu/$k" \
			"$(metric "$W/once.prom" "lags_context_switches_total{cpu=\"$cpu\",kind=\"$k\"}")" \
			"$(stats_col "$cpu" "$k" "$W/stats")"
	done
	for k in cross_group intra_group; do
		check_window "cpu$cpu/$k" \
			"$(metric "$W/once.prom" "lags_group_switches_total{cpu=\"$cpu\",kind=\"$k\"}")" \
			"$(stats_col "$cpu" "$k" "$W/stats")"
	done
	check_window "cpu$cpu/idle" "$(metric "$W/once.prom" "lags_idle_switches_total{cpu=\"$cpu\"}")" \
		"$(stats_col "$cpu" idle "$W/stats")"
	n=$((n + 1))
done
tap_is "per-CPU switches by kind ($n CPUs) within the window of debugfs" "$bad" ""
tap_check "the load switched (total $(stats_col total switches "$W/stats"))" \
	test "$(stats_col total switches "$W/stats")" -gt 5000

bad=
for g in a b; do
	p=/lags-mm-$$/$g
	set -- $(awk -v p="$p" '$1 == p' "$W/cgroups")
	check_window "$g/in" "$(metric "$W/once.prom" "lags_cgroup_switches_total{cgroup=\"$p\",direction=\"in\"}")" "${3:-0}"
	check_window "$g/out" "$(metric "$W/once.prom" "lags_cgroup_switches_total{cgroup=\"$p\",direction=\"out\"}")" "${4:-0}"
	check_window "$g/cross_in" "$(metric "$W/once.prom" "lags_cgroup_cross_group_switches_total{cgroup=\"$p\",direction=\"in\"}")" "${5:-0}"
	[ "${3:-0}" -gt 1000 ] || bad="$bad $g(only ${3:-0} switches in)"
	# Idle now: the wait maximum cannot have moved.
	w=$(metric "$W/once.prom" "lags_cgroup_runnable_wait_max_seconds{cgroup=\"$p\"}")
	[ "$(awk -v a="$w" -v b="${7:-x}" 'BEGIN { print (int(a * 1000000 + 0.5) == b) ? "eq" : "ne" }')" = eq ] ||
		bad="$bad $g/wait($w s vs ${7:-?} us)"
	# cpu.stat of an idle cgroup does not move either.
	u=$(awk '$1 == "usage_usec" { print $2 }' "$top/$g/cpu.stat")
	m=$(metric "$W/once.prom" "lags_cgroup_cpu_usage_seconds_total{cgroup=\"$p\"}")
	[ "$(awk -v a="$m" -v b="$u" 'BEGIN { print (int(a * 1000000 + 0.5) == b && b > 0) ? "eq" : "ne" }')" = eq ] ||
		bad="$bad $g/usage($m s vs $u us)"
done
tap_is "per-cgroup switches within the window; wait and cpu.stat usage equal" "$bad" ""

# Tunables: the value of each row, in base units.
want=$(awk 'NR > 1 { v = $2; u = $5
	if (u == "us") { v = v / 1000000; u = "seconds" }
	else if (u == "ms") { v = v / 1000; u = "seconds" }
	else if (u == "ns") { v = v / 1000000000; u = "seconds" }
	else if (u == "%") { v = v / 100; u = "ratio" }
	else if (u == "-") u = ""
	printf "lags_tunable{name=\"%s\",owner=\"%s\",unit=\"%s\"} %.9f\n", $1, $6, u, v }' "$W/tunables")
got=$(awk '/^lags_tunable\{/ { printf "%s %.9f\n", $1, $2 }' "$W/once.prom")
tap_is "tunables equal debugfs ($(printf '%s\n' "$want" | wc -l) rows)" "$got" "$want"

node=$(metric "$W/once.prom" lags_node_context_switches_total)
tap_check "lags_node_context_switches_total ($node) within ctxt [$c0, $c1]" \
	test "$node" -ge "$c0" -a "$node" -le "$c1"
tap_is "schedstat: one sample per CPU line" \
	"$(grep -c '^lags_schedstat_schedule_calls_total{' "$W/once.prom")" \
	"$(grep -c '^cpu[0-9]' /proc/schedstat)"

rmdir "$top/a" "$top/b" "$top"
tap_check "rmmod" lags_unload
"$M" --stdout >"$W/gone.prom" 2>"$W/gone.err"
tap_is "without the module: exit 0" "$?" 0
tap_is "without the module: lags_module_loaded 0" "$(metric "$W/gone.prom" lags_module_loaded)" 0
tap_check "without the module: stderr says why" grep -q 'not loaded' "$W/gone.err"
tap_is "without the module: no lags.ko families" \
	"$(grep -c '^lags_context_switches_total' "$W/gone.prom")" 0
rm -rf "$W"
tap_is "no kernel splat" "$(dmesg | dmesg_bad | head -n 3)" ""
tap_done
