#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lags-kernels: lags-debug lags-distro
# (lags-debug only: lockdep sees what this provokes, and the kernel is the
# lags kernel with debug options; the timed lags suite stays short.)
# lags-timeout: 900
#
# CPU hotplug with LAGS on (dense preset) under a changing load: CPU 1 goes
# offline and online again and again while
#   - lags-wakeload serves requests in 16 function cgroups whose workers
#     exit and are replaced every 40 requests (groups coming and going),
#   - a group of two spinners has its cpu.max toggled between 10% and max,
#   - a spinner is moved through cgroups created and removed around it.
# Checks: every offline and online write succeeds; the load finishes with
# requests served and no worker waiting 2 s or more to run (schedstats);
# every spinner runs after the last online, and CPU 1 runs tasks again;
# the capped group's quota still holds after the toggling; the kernel log
# has no warning, BUG, lockdep or hung-task report.

. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/lags.sh"

P=/proc/sys/kernel
C1=/sys/devices/system/cpu/cpu1/online
ROOT=/sys/fs/cgroup/lags-hotplug
[ -f $P/sched_lags ] || tap_skip_all "kernel.sched_lags absent (not the lags kernel)"
[ -w $C1 ] || tap_skip_all "CPU 1 cannot be taken offline (no $C1)"
command -v lags-wakeload >/dev/null || tap_skip_all "lags-wakeload not in the guest"
lags_cpu_cgroup "$ROOT"
mkdir -p $ROOT/capped $ROOT/home
dmesg_mark=$(dmesg | wc -l)
echo 1 >$P/sched_schedstats 2>/dev/null

# utime + stime of PID, in clock ticks.
cputime() { awk '{ print $14 + $15 }' /proc/$1/stat 2>/dev/null; }
# Ticks CPU 1 spent running tasks (user + nice + system).
cpu1_busy() { awk '$1 == "cpu1" { print $2 + $3 + $4 }' /proc/stat; }

lags_dense on
cycles=12
secs=$((cycles + 8))
lags-wakeload --groups 16 --churn 40 --seconds $secs --load 0.9 --work-us 1000 \
	--cgroot $ROOT/wl >/tmp/hp-load.$$ 2>&1 &
load=$!
spin="while :; do :; done"
sh -c "echo \$\$ >$ROOT/capped/cgroup.procs; $spin" &
s1=$!
sh -c "echo \$\$ >$ROOT/capped/cgroup.procs; $spin" &
s2=$!
sh -c "echo \$\$ >$ROOT/home/cgroup.procs; $spin" &
mover=$!
# cpu.max toggling (until the stop file appears).
( while [ ! -e /tmp/hp-stop.$$ ]; do
	echo "10000 100000" >$ROOT/capped/cpu.max
	usleep 50000
	echo max >$ROOT/capped/cpu.max
	usleep 50000
  done ) &
toggler=$!
# A spinner moved through cgroups that come and go.
( i=0; while [ ! -e /tmp/hp-stop.$$ ]; do
	mkdir $ROOT/c$i && echo 150 >$ROOT/c$i/cpu.weight &&
		echo $mover >$ROOT/c$i/cgroup.procs &&
		usleep 20000 && echo $mover >$ROOT/home/cgroup.procs &&
		rmdir $ROOT/c$i || echo "cgroup c$i: create, move or remove failed"
	i=$((i + 1))
  done; echo "$i cgroups" ) >/tmp/hp-churn.$$ 2>&1 &
churner=$!

sleep 1
fails=0
i=0
while [ $i -lt $cycles ]; do
	echo 0 >$C1 || fails=$((fails + 1))
	usleep 300000
	echo 1 >$C1 || fails=$((fails + 1))
	usleep 300000
	i=$((i + 1))
done
tap_is "CPU 1 went offline and online $cycles times (failed writes)" "$fails" 0
tap_is "CPU 1 is online" "$(cat $C1)" 1

# Everything runs after the last online.
b0=$(cpu1_busy)
t1=$(cputime $s1) t2=$(cputime $s2) tm=$(cputime $mover)
sleep 2
b1=$(cpu1_busy)
tap_check "CPU 1 runs tasks again (busy ticks $b0 -> $b1)" [ "$b1" -gt "$b0" ]
tap_check "the capped spinners run ($t1 -> $(cputime $s1), $t2 -> $(cputime $s2) ticks)" \
	sh -c "[ $(cputime $s1) -gt $t1 ] && [ $(cputime $s2) -gt $t2 ]"
tap_check "the moved spinner runs ($tm -> $(cputime $mover) ticks)" [ "$(cputime $mover)" -gt "$tm" ]

touch /tmp/hp-stop.$$
wait $toggler $churner
echo "# churn: $(tail -n 1 /tmp/hp-churn.$$)"
tap_is "every cgroup of the churn was created, used and removed" \
	"$(grep -c failed /tmp/hp-churn.$$)" 0

# The quota still holds once the toggling stopped at 10%.
echo "10000 100000" >$ROOT/capped/cpu.max
sleep 1
u0=$(sed -n 's/^usage_usec //p' $ROOT/capped/cpu.stat)
sleep 2
u1=$(sed -n 's/^usage_usec //p' $ROOT/capped/cpu.stat)
tap_check "cpu.max 10% holds after the toggling ($((u1 - u0)) us of 2 s, allowed 300000)" \
	[ $((u1 - u0)) -le 300000 ]

wait $load
lags_wakeload_checks /tmp/hp-load.$$ $? "the hotplug" 2000000
kill $s1 $s2 $mover 2>/dev/null
wait 2>/dev/null
lags_dense off
lags_cgroup_remove $ROOT
rm -f /tmp/hp-load.$$ /tmp/hp-churn.$$ /tmp/hp-stop.$$
lags_no_splat $dmesg_mark
tap_done
