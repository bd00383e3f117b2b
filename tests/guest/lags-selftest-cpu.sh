#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lags-kernels: lags lags-debug
#
# The kernel's own cgroup cpu selftest (tools/testing/selftests/cgroup/
# test_cpu.c: cpu.stat, cpu.weight sharing, nested weights, cpu.max) must
# pass with LAGS off and with all LAGS mechanisms on.  test_cpu is built
# statically by scripts/selftests-build.

n=0
ok()   { n=$((n + 1)); echo "ok $n - $*"; }
nok()  { n=$((n + 1)); echo "not ok $n - $*"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }

P=/proc/sys/kernel
CG=/sys/fs/cgroup
grep -q " $CG cgroup2 " /proc/mounts || mount -t cgroup2 none $CG
echo +cpu > $CG/cgroup.subtree_control

if ! command -v test_cpu >/dev/null 2>&1; then
	skip "test_cpu with LAGS off" "test_cpu not in PATH (run scripts/selftests-build)"
	skip "test_cpu with LAGS on" "test_cpu not in PATH (run scripts/selftests-build)"
	echo "1..$n"
	exit 0
fi

for state in 0 1; do
	label=off
	[ $state = 1 ] && label=on && echo 15 > $P/sched_lags_mode
	echo $state > $P/sched_lags
	res=$(test_cpu 2>&1)
	rc=$?
	echo 0 > $P/sched_lags
	echo "$res" | sed 's/^/# /'
	# test_cpu speaks TAP itself; any "not ok" or a bad status fails.
	if [ $rc -eq 0 ] && ! echo "$res" | grep -q '^not ok'; then
		ok "cgroup selftest test_cpu passes with LAGS $label"
	else
		nok "cgroup selftest test_cpu passes with LAGS $label (status $rc)"
	fi
done

echo "1..$n"
