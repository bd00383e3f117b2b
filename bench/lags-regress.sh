#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# lags-regress: the scheduler community's regression benchmarks, run and
# reduced to one summary format, "LABEL REP METRIC VALUE" per line (the
# input of ab-stats).  Tools that are missing are skipped with a note.
#
# Usage: lags-regress [--quick] [--label L] [--rep R] [BENCH...]
#
#   hackbench      rt-tests hackbench (processes, sockets): time_s
#   messaging      perf bench sched messaging: time_s
#   pipe           perf bench sched pipe, both ends on CPU 0: usec_per_op
#   pipe-cgroups   the same with the ends in two cpu cgroups (perf's -G
#                  when it has it, else the two processes are moved into
#                  the groups right after they start): usec_per_op
#   switch         stress-ng --switch (pipe method): ns_per_switch
#   cyclictest     cyclictest SCHED_FIFO 95, one thread per CPU, 1 ms
#                  period: avg_us, p99_us, max_us
#   cyclictest-dense  the same while faas-node-bench keeps 32 function
#                  cgroups per CPU busy at offered load 0.9 (the
#                  fair-class load the LAGS policy acts on)
#   cyclictest-fair-dense  cyclictest as a SCHED_OTHER task in a cpu
#                  cgroup of its own beside that load: the wakeup latency
#                  of an ordinary latency-sensitive group
#   cyclictest-optout-dense  the same with cpu.lags=0 in its cgroup and
#                  its parent (patched kernels; skipped elsewhere)
#
# Default: all of them.  --quick makes each run about 2-3 s.  Raw tool
# output goes to stderr.
set -u

prog=lags-regress
say() { printf '[%s] %s\n' "$prog" "$*" >&2; }
usage() { sed -n '/^# Usage/,/^# Default/p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

label=regress rep=1 quick=''
while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=1; shift ;;
	--label) label=${2:?}; shift 2 ;;
	--rep) rep=${2:?}; shift 2 ;;
	-h|--help) usage ;;
	--) shift; break ;;
	-*) say "unknown option '$1'"; usage ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || set -- hackbench messaging pipe pipe-cgroups switch cyclictest cyclictest-dense \
	cyclictest-fair-dense cyclictest-optout-dense
here=$(cd "$(dirname "$0")" && pwd)

if [ -n "$quick" ]; then
	groups=4 loops=200 pipe_loops=50000 seconds=3
else
	groups=10 loops=1000 pipe_loops=500000 seconds=10
fi
cpus=$(nproc)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lags-regress.XXXXXX") || exit 1
cgparent=''

emit() { echo "$label $rep $1 $2"; }
have() { command -v "$1" >/dev/null 2>&1; }
pin() { if have taskset; then taskset -c 0 "$@"; else "$@"; fi; }

cleanup() {
	if [ -n "$cgparent" ]; then
		for g in "$cgparent"/*/ "$cgparent"; do
			rmdir "$g" 2>/dev/null
		done
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM HUP

run_hackbench() {
	have hackbench || { say "skip hackbench: not installed"; return; }
	hackbench -g "$groups" -l "$loops" >"$tmp/out" 2>&1
	cat "$tmp/out" >&2
	t=$(sed -n 's/^Time: *//p' "$tmp/out")
	[ -n "$t" ] && emit hackbench.time_s "$t"
}

run_messaging() {
	have perf || { say "skip messaging: perf not installed"; return; }
	perf bench sched messaging -g "$groups" -l "$loops" >"$tmp/out" 2>&1
	cat "$tmp/out" >&2
	t=$(sed -n 's/^ *Total time: *\([0-9.]*\).*/\1/p' "$tmp/out")
	[ -n "$t" ] && emit messaging.time_s "$t"
}

pipe_usec() { sed -n 's/^ *\([0-9.]*\) usecs\/op.*/\1/p' "$1"; }

run_pipe() {
	have perf || { say "skip pipe: perf not installed"; return; }
	pin perf bench sched pipe -l "$pipe_loops" >"$tmp/out" 2>&1
	cat "$tmp/out" >&2
	u=$(pipe_usec "$tmp/out")
	[ -n "$u" ] && emit pipe.usec_per_op "$u"
}

# make_groups NAME...: a parent cpu group with the named child groups;
# sets cgparent, cgname (its path below the mount) and cgv.
make_groups() {
	root=$(awk '{ for (i = 7; i < NF; i++) if ($i == "-") break }
		$(i + 1) == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
	if [ -n "$root" ] && grep -qw cpu "$root/cgroup.controllers" 2>/dev/null; then
		cgv=2
		grep -qw cpu "$root/cgroup.subtree_control" ||
			{ say "skip: cpu not enabled at $root"; return 1; }
	else
		root=$(awk '{ for (i = 7; i < NF; i++) if ($i == "-") break }
			$(i + 1) == "cgroup" && ("," $(i + 3) ",") ~ /,cpu,/ { print $5; exit }' \
			/proc/self/mountinfo)
		cgv=1
		[ -n "$root" ] || { say "skip: no cpu cgroup"; return 1; }
	fi
	cgparent=$root/lags-regress.$$
	mkdir "$cgparent" || return 1
	[ "$cgv" = 2 ] && echo +cpu >"$cgparent/cgroup.subtree_control"
	for g; do mkdir "$cgparent/$g" || return 1; done
	cgname=${cgparent#"$root"/}
}

# child_of PID: a child process of PID (from /proc/*/stat, which needs
# no CONFIG_PROC_CHILDREN).
child_of() {
	for st in /proc/[0-9]*/stat; do
		read -r c_pid _ _ c_ppid _ <"$st" 2>/dev/null || continue
		[ "$c_ppid" = "$1" ] && { echo "$c_pid"; return; }
	done
}

run_pipe_cgroups() {
	have perf || { say "skip pipe-cgroups: perf not installed"; return; }
	make_groups a b || return
	if perf bench sched pipe -h 2>&1 | grep -q -- '--cgroups'; then
		pin perf bench sched pipe -l "$pipe_loops" \
			-G "$cgname/a,$cgname/b" >"$tmp/out" 2>&1
		how=G
	else
		# perf without -G: move the two processes ourselves.
		pin perf bench sched pipe -l "$pipe_loops" >"$tmp/out" 2>&1 &
		perf_pid=$!
		child=''
		i=0
		while [ -z "$child" ] && [ "$i" -lt 100 ]; do
			child=$(child_of "$perf_pid")
			[ -n "$child" ] && break
			sleep 0.01 2>/dev/null || sleep 1
			i=$((i + 1))
		done
		moved=0
		echo "$perf_pid" >"$cgparent/a/cgroup.procs" 2>/dev/null && moved=1
		[ -n "$child" ] && echo "$child" >"$cgparent/b/cgroup.procs" 2>/dev/null &&
			moved=$((moved + 1))
		wait "$perf_pid"
		how="moving $perf_pid and ${child:-?} ($moved of 2 moved)"
		if [ "$moved" -ne 2 ]; then
			say "skip pipe-cgroups: could not place both ends ($how)"
			rmdir "$cgparent/a" "$cgparent/b" "$cgparent" 2>/dev/null
			cgparent=''
			return
		fi
	fi
	cat "$tmp/out" >&2
	u=$(pipe_usec "$tmp/out")
	[ -n "$u" ] && emit "pipe_cgroups.usec_per_op" "$u"
	say "pipe-cgroups: placement by $how"
	rmdir "$cgparent/a" "$cgparent/b" "$cgparent" 2>/dev/null
	cgparent=''
}

run_switch() {
	have stress-ng || { say "skip switch: stress-ng not installed"; return; }
	pin stress-ng --switch 1 -t "$seconds" --metrics-brief >"$tmp/out" 2>&1
	cat "$tmp/out" >&2
	n=$(sed -n 's/.*switch *\([0-9.]*\) nanosecs per context switch.*/\1/p' "$tmp/out")
	[ -n "$n" ] && emit switch.ns_per_switch "$n"
}

# cyclictest_stats PREFIX: avg, p99 and max over all threads from the
# JSON and the histogram (1 us buckets up to 20 ms; p99 is "20000" when
# more than 1% overflowed).
cyclictest_stats() {
	awk '/"avg":/ { gsub(/[",]/, "", $2); s += $2; n++ }
	     END { if (n) printf "%.2f\n", s / n }' "$tmp/ct.json" >"$tmp/ct.avg"
	awk '/^[0-9]/ { for (i = 2; i <= NF; i++) { c[$1 + 0] += $i; t += $i }
			if ($1 + 0 > top) top = $1 + 0 }
	     /^# Histogram Overflows:/ { for (i = 4; i <= NF; i++) { o += $i; t += $i } }
	     /^# Max Latencies:/ { for (i = 4; i <= NF; i++) if ($i + 0 > m) m = $i + 0 }
	     END { if (!t) exit 1
		   need = t * 0.99; run = 0; p = top
		   for (l = 0; l <= top; l++) { run += c[l]; if (run >= need) { p = l; break } }
		   if (run < need) p = top
		   printf "%d %d\n", p, m }' "$tmp/ct.hist" >"$tmp/ct.pm" || return 1
	read -r avg <"$tmp/ct.avg" && read -r p99 max <"$tmp/ct.pm" || return 1
	emit "$1avg_us" "$avg"
	emit "$1p99_us" "$p99"
	emit "$1max_us" "$max"
}

# run_cyclictest_once CGROUP|- [CYCLICTEST-OPTIONS]: one run, moved into
# the cgroup directory CGROUP first unless it is -; histogram and JSON
# into $tmp.
run_cyclictest_once() {
	cg=$1
	shift
	set -- cyclictest -m -q -D "$seconds" -t "$cpus" -a -i 1000 -h 20000 \
		--histfile="$tmp/ct.hist" --json="$tmp/ct.json" "$@"
	[ "$cg" = - ] || set -- sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' sh "$cg" "$@"
	"$@" >"$tmp/out" 2>&1
}

run_cyclictest() {
	have cyclictest || { say "skip cyclictest: not installed"; return; }
	run_cyclictest_once - -p 95 || { say "cyclictest failed: $(tail -n 2 "$tmp/out")"; return; }
	cyclictest_stats cyclictest. || say "cyclictest: no histogram"
}

# cyclictest_beside_load METRIC-PREFIX CGROUP|- CYCLICTEST-OPTIONS...:
# cyclictest (in CGROUP, a directory, when not -) while faas-node-bench
# keeps 32 function cgroups per CPU busy at offered load 0.9.
cyclictest_beside_load() {
	prefix=$1 cg=$2
	shift 2
	fnb=$here/faas-node-bench
	[ -x "$fnb" ] || fnb=$(command -v faas-node-bench) ||
		{ say "skip $prefix: faas-node-bench not found"; return 1; }
	"$fnb" --quiet --functions $((32 * cpus)) --load 0.9 --seconds $((seconds + 2)) \
		--drain-seconds 1 >"$tmp/fnb.out" 2>&1 &
	fpid=$!
	sleep 1
	run_cyclictest_once "$cg" "$@"
	rc=$?
	wait "$fpid" || say "$prefix: the background load failed: $(tail -n 2 "$tmp/fnb.out")"
	[ $rc -eq 0 ] || { say "$prefix: cyclictest failed: $(tail -n 2 "$tmp/out")"; return 1; }
	cyclictest_stats "$prefix." || { say "$prefix: no histogram"; return 1; }
}

run_cyclictest_dense() {
	have cyclictest || { say "skip cyclictest-dense: cyclictest not installed"; return; }
	cyclictest_beside_load cyclictest_dense - -p 95
}

# run_cyclictest_fair_dense on|off: SCHED_OTHER in its own cgroup, with
# cpu.lags left at 1 (on) or set to 0 (off).
run_cyclictest_fair_dense() {
	name=cyclictest-fair-dense prefix=cyclictest_fair_dense
	[ "$1" = off ] && name=cyclictest-optout-dense prefix=cyclictest_optout_dense
	have cyclictest || { say "skip $name: cyclictest not installed"; return; }
	make_groups lat || return
	if [ "$1" = off ]; then
		if [ ! -f "$cgparent/lat/cpu.lags" ]; then
			say "skip $name: no cpu.lags (kernel without the LAGS series)"
			rmdir "$cgparent/lat" "$cgparent"; cgparent=''
			return
		fi
		# The flag acts where a group's own entity competes: clear it
		# on the parent too, which competes with the load's groups.
		for g in "$cgparent" "$cgparent/lat"; do
			echo 0 >"$g/cpu.lags" || { say "$name: cannot write $g/cpu.lags"; return; }
		done
	fi
	cyclictest_beside_load "$prefix" "$cgparent/lat"
	rmdir "$cgparent/lat" "$cgparent" 2>/dev/null
	cgparent=''
}

for b; do
	case $b in
	hackbench) run_hackbench ;;
	messaging) run_messaging ;;
	pipe) run_pipe ;;
	pipe-cgroups) run_pipe_cgroups ;;
	switch) run_switch ;;
	cyclictest) run_cyclictest ;;
	cyclictest-dense) run_cyclictest_dense ;;
	cyclictest-fair-dense) run_cyclictest_fair_dense on ;;
	cyclictest-optout-dense) run_cyclictest_fair_dense off ;;
	*) say "unknown benchmark '$b'"; exit 2 ;;
	esac
done
exit 0
