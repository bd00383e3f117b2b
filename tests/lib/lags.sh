# SPDX-License-Identifier: GPL-2.0
#
# LAGS switch for the guest tests (POSIX sh; busybox sh in the guest).
#
#   . "$(dirname "$0")/../lib/lags.sh"
#   lags_dense on [LIGHT_PCT]   the dense preset: all mechanisms (mode 15),
#                               3 ms drain budget, 50 ms guard, LIGHT_PCT
#                               (default 5) percent for light wakers, key on
#   lags_dense off              key off (stock)
#   lags_knobs_load PROG        lags-ab's configurations (lags-knobs.sh)
#   lags_wakeload_checks ...    TAP checks of a lags-wakeload result
#   lags_no_splat MARK          TAP check of the kernel log after MARK lines
#
# On a kernel without kernel.sched_lags_light_pct (v1 of the series) that
# write is skipped silently, so a test can run against the older series.

lags_dense() {
	_lags_p=/proc/sys/kernel
	if [ "$1" = on ]; then
		echo 15 > $_lags_p/sched_lags_mode
		echo 3000 > $_lags_p/sched_lags_drain_budget_us
		echo 50000 > $_lags_p/sched_lags_guard_us
		{ echo "${2:-5}" > $_lags_p/sched_lags_light_pct; } 2>/dev/null
		echo 1 > $_lags_p/sched_lags
	else
		echo 0 > $_lags_p/sched_lags
	fi
}

# lags_knobs_load PROG: the configurations of lags-ab (bench/lags-knobs.sh,
# in the guest as /lags/bin/lags-knobs: knobs_init, knobs_apply CONFIG,
# knobs_restore ...), their messages printed as TAP diagnostics.
lags_knobs_load() {
	prog=$1
	say() { printf '# %s\n' "$*"; }
	. /lags/bin/lags-knobs
}

# lags_wakeload_checks FILE RC WHAT MAX_WAIT_US: TAP checks of the result
# line lags-wakeload wrote to FILE, with exit status RC: it served
# requests through WHAT, and no worker waited MAX_WAIT_US or more to run
# (schedstats wait_max; needs kernel.sched_schedstats=1).
lags_wakeload_checks() {
	_lw_line=$(cat "$1")
	echo "# load: $_lw_line"
	_lw_req=$(echo " $_lw_line" | sed -n 's/.* requests=\([0-9]*\).*/\1/p')
	_lw_wmax=$(echo " $_lw_line" | sed -n 's/.* wait_max_us=\([0-9]*\).*/\1/p')
	tap_check "the load ran through $3 (exit $2, ${_lw_req:-no} requests)" \
		sh -c "[ $2 -eq 0 ] && [ '${_lw_req:-0}' -gt 0 ]"
	tap_check "no worker waited $(($4 / 1000000)) s or more to run (wait_max ${_lw_wmax:-?} us)" \
		sh -c "[ -n '$_lw_wmax' ] && [ '$_lw_wmax' -lt $4 ]"
}

# lags_no_splat MARK: TAP check that the kernel log has no warning, BUG,
# lockdep, hung-task or sanitizer report (tests/lib/splat.sh, as the
# suite's last check) after its first MARK lines.
. "$(dirname "$0")/../lib/splat.sh"
lags_no_splat() {
	tap_is "no kernel splat" "$(dmesg | tail -n +$(($1 + 1)) | grep -E "$LAGS_SPLAT_RE" | head -n 3)" ""
}

# lags_cpu_cgroup [DIR]: cgroup2 mounted on /sys/fs/cgroup, the cpu
# controller on at the root and, when DIR is given, DIR created with the
# controller on for its children (without that, child groups share one
# task group and no group-level policy can act).
lags_cpu_cgroup() {
	grep -q " /sys/fs/cgroup cgroup2 " /proc/mounts || mount -t cgroup2 none /sys/fs/cgroup
	echo +cpu > /sys/fs/cgroup/cgroup.subtree_control
	[ -n "${1:-}" ] || return 0
	mkdir -p "$1"
	echo +cpu > "$1/cgroup.subtree_control"
}

# lags_cgroup_remove DIR: kill every process left in DIR's subtree
# (cgroup.kill) and remove DIR and its children, deepest first, so that no
# test leaves busy cgroups behind for the next one.
lags_cgroup_remove() {
	[ -d "$1" ] || return 0
	echo 1 > "$1/cgroup.kill" 2>/dev/null
	_lags_n=0
	while [ -n "$(cat $(find "$1" -name cgroup.procs) 2>/dev/null)" ] && [ $_lags_n -lt 50 ]; do
		usleep 100000 2>/dev/null || sleep 1
		_lags_n=$((_lags_n + 1))
	done
	find "$1" -depth -type d -exec rmdir {} \; 2>/dev/null
	[ ! -d "$1" ]
}
