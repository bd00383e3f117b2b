# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the module-*.sh guest tests (lags.ko).  Sourced, not run:
# it has no "lags-kernels" line, so tests/guest/run skips it.

. "$(dirname "$0")/../lib/tap.sh"

LAGS_KO=${LAGS_KO:-/lags/module/lags.ko}
D=/sys/kernel/debug/lags
CG=/sys/fs/cgroup

lags_mode_want() {
	case $LAGS_VARIANT in
	# Debian's kernels (vm-run --kernel debian-*) have no LAGS patch.
	stock|debian-*) echo observe-only ;;
	*) echo patched ;;
	esac
}

lags_loaded() { [ -d /sys/module/lags ]; }

lags_load() { insmod "$LAGS_KO" "$@"; }

# rmmod, retried: a reader holding a debugfs file open pins the module.
lags_unload() {
	_n=0
	while lags_loaded; do
		rmmod lags 2>/dev/null && return 0
		_n=$((_n + 1))
		[ $_n -ge 400 ] && { rmmod lags; return 1; }
		usleep 20000 2>/dev/null || sleep 1
	done
	return 0
}

# stats_col ROW COLUMN [FILE]: one value of the stats table.
stats_col() {
	awk -v r="$1" -v c="$2" 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
		$1 == r && (c in h) { print $h[c]; found = 1 }
		END { if (!found) print "none" }' "${3:-$D/stats}"
}

# /proc/stat ctxt without forking (forks are context switches too).
ctxt() {
	while read -r _k _v _rest; do
		[ "$_k" = ctxt ] && { echo "$_v"; return; }
	done </proc/stat
}

# Lines of the kernel log that are a splat.
dmesg_bad() {
	grep -E 'WARNING:|BUG:|Oops|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|INFO: task .* blocked|Call Trace:|UBSAN|KASAN|ODEBUG|list_add corruption|list_del corruption'
}

# Run "$@" in the cgroup directory $1 (moves a shell there first).
in_cgroup() {
	_cg=$1
	shift
	sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$_cg" "$@"
}

# Keep the module's tracepoints enabled by two idle ftrace instances, so
# that loading and unloading lags.ko patches no kernel text: with two
# other probes attached, adding or removing ours changes neither the
# static key nor the static call (kernel/tracepoint.c, N -> N+1).
# Why: QEMU 7.2 multi-threaded TCG runs stale code after the kernel
# patches a hot site (an "Oops: int3" in __schedule after 50-100
# on/off flips of sched_switch, with or without lags.ko: toggling the
# ftrace sched_switch event alone does it; thread=single does not).
LAGS_PIN_EVENTS="sched/sched_switch cgroup/cgroup_mkdir cgroup/cgroup_rmdir"
pin_tracepoints() {
	_t=/sys/kernel/tracing
	[ -d $_t/instances ] || mount -t tracefs none $_t 2>/dev/null
	[ -d $_t/instances ] || return 1
	for _i in lags-pin1 lags-pin2; do
		mkdir -p $_t/instances/$_i || return 1
		echo 0 >$_t/instances/$_i/tracing_on
		for _e in $LAGS_PIN_EVENTS; do
			echo 1 >$_t/instances/$_i/events/$_e/enable || return 1
		done
	done
}
unpin_tracepoints() {
	_t=/sys/kernel/tracing
	for _i in lags-pin1 lags-pin2; do
		[ -d $_t/instances/$_i ] || continue
		for _e in $LAGS_PIN_EVENTS; do
			echo 0 >$_t/instances/$_i/events/$_e/enable
		done
		rmdir $_t/instances/$_i
	done
}
