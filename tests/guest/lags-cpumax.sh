#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lags-kernels: lags lags-debug lags-distro
#
# cpu.max is honoured with LAGS on: a group limited to 20% of one CPU,
# running two spinners among 16 busy light groups, uses no more than its
# quota (plus one period of slack) over a few seconds; same check with
# LAGS off for comparison.

. "$(dirname "$0")/../lib/tap.sh"

P=/proc/sys/kernel
CG=/sys/fs/cgroup
grep -q " $CG cgroup2 " /proc/mounts || mount -t cgroup2 none $CG
echo +cpu > $CG/cgroup.subtree_control
T=$CG/lags-cpumax
mkdir -p $T
echo +cpu > $T/cgroup.subtree_control
mkdir -p $T/capped
echo "20000 100000" > $T/capped/cpu.max

spin() { while :; do :; done; }
usage() { sed -n 's/^usage_usec //p' $T/capped/cpu.stat; }
secs=4

for state in 0 1; do
	echo $state > $P/sched_lags
	pids=
	i=0
	while [ $i -lt 16 ]; do
		mkdir -p $T/l$i
		# light groups: short bursts and sleeps (a wakeup-driven mix)
		sh -c "echo \$\$ > $T/l$i/cgroup.procs; while :; do j=0; while [ \$j -lt 300 ]; do j=\$((j+1)); done; usleep 2000; done" &
		pids="$pids $!"
		i=$((i + 1))
	done
	for k in 1 2; do
		sh -c "echo \$\$ > $T/capped/cgroup.procs; while :; do :; done" &
		pids="$pids $!"
	done
	sleep 1
	u0=$(usage)
	t0=$(cut -d' ' -f1 /proc/uptime)
	sleep $secs
	u1=$(usage)
	t1=$(cut -d' ' -f1 /proc/uptime)
	kill $pids 2>/dev/null
	wait 2>/dev/null
	# Allowed: 20% of the elapsed time plus one 100 ms period.
	el=$(echo "$t0 $t1" | awk '{ printf "%d", ($2 - $1) * 1000000 }')
	used=$((u1 - u0))
	allowed=$((el / 5 + 100000))
	label=off
	[ $state = 1 ] && label=on
	echo "# LAGS $label: capped group used ${used}us of ${el}us (allowed ${allowed}us)"
	tap_check "cpu.max honoured with LAGS $label (${used}us <= ${allowed}us)" [ "$used" -le "$allowed" ]
	tap_check "capped group did run with LAGS $label (${used}us > 0)" [ "$used" -gt 0 ]
done
echo 0 > $P/sched_lags

for d in $T/l* $T/capped; do rmdir $d 2>/dev/null; done
rmdir $T 2>/dev/null
tap_done
