#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The harness itself: CPUs, cgroups, debugfs and the module, as the
# other suites assume them.
#
# lags-kernels: stock lags lags-debug lags-distro
. "$(dirname "$0")/../lib/tap.sh"

want=$(cat /lags/smp 2>/dev/null)
tap_is "guest sees the $want CPUs vm-run asked for" "$(nproc)" "$want"
tap_is "all of them online" "$(cat /sys/devices/system/cpu/online)" "0-$((want - 1))"

tap_check "debugfs mounted with the scheduler's files" test -f /sys/kernel/debug/sched/debug
tap_check "cgroup2 mounted with the cpu controller" \
	grep -qw cpu /sys/fs/cgroup/cgroup.subtree_control

# 256 cpu cgroups: each must be its own task group (cpu.weight exists and
# the scheduler's debug file lists it), and all must go away again.
top=/sys/fs/cgroup/lags-harness-$$
mkdir "$top" && echo +cpu >"$top/cgroup.subtree_control"
made=0
i=0
while [ $i -lt 256 ]; do
	mkdir "$top/g$i" 2>/dev/null && [ -f "$top/g$i/cpu.weight" ] && made=$((made + 1))
	i=$((i + 1))
done
tap_is "256 cpu cgroups created, each with cpu.weight" "$made" 256
# Busy tasks in 16 of them: each must show up as its own cfs_rq in the
# scheduler's debug file (groups that share a task group would not).
pids=
i=240
while [ $i -lt 256 ]; do
	sh -c 'while :; do :; done' &
	echo $! >"$top/g$i/cgroup.procs"
	pids="$pids $!"
	i=$((i + 1))
done
sleep 1
tap_check "a task runs in the 256th group" grep -qx "0::/lags-harness-$$/g255" /proc/${pids##* }/cgroup
# A slow kernel (lags-debug, lockdep) may not have run every spinner in
# its group yet: look again for up to 10 s.
tries=0
while :; do
	tgs=$(grep "^cfs_rq\[[0-9]*\]:/lags-harness-$$/g" /sys/kernel/debug/sched/debug | sed 's/.*://' | sort -u | wc -l)
	[ "$tgs" -ge 16 ] || [ $tries -ge 10 ] && break
	tries=$((tries + 1))
	sleep 1
done
tap_is "the scheduler runs them in 16 distinct task groups" "$tgs" 16
# shellcheck disable=SC2086
kill $pids
wait 2>/dev/null
i=0
while [ $i -lt 256 ]; do rmdir "$top/g$i"; i=$((i + 1)); done
rmdir "$top"
tap_check "all 256 removed" test ! -e "$top"

if [ -f /lags/module/lags.ko ]; then
	tap_check "lags.ko loads" insmod /lags/module/lags.ko
	tap_check "lags.ko is listed" test -d /sys/module/lags
	tap_check "lags.ko unloads" rmmod lags
	tap_check "lags.ko is gone" test ! -d /sys/module/lags
else
	tap_skip "lags.ko loads and unloads" "module/ has no Kbuild yet"
fi
tap_done
