#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# lags.ko load/unload cycles while a dense workload runs, readers hammer
# the debugfs files, writers change settings and cgroups are created and
# removed all the time; then no splat in the kernel log.
#
# Cycles: LAGS_STRESS_CYCLES (default 1000) or LAGS_STRESS_SECS seconds,
# whichever ends first, and at least LAGS_STRESS_MIN must be done.  On
# the lags kernel (the product) the defaults are 1000 cycles within 900 s
# and all 1000 required; under single-threaded TCG with this load a
# cycle takes about 0.4 s (measured: 1000 cycles in 399 s), so 900 s
# leaves room for a slower or busier host.  On stock and lags-debug
# (lockdep: about 0.8 s a cycle) the suite's budget allows 100 s and at
# least 100 cycles.  The count reached is printed (and appended to
# /results/module-stress.txt).
#
# Every cycle attaches the probes to the tracepoints and detaches them,
# so the kernel patches its text (static keys, static calls) twice a
# cycle: run the guest with one TCG thread (vm-run --single-thread, as
# tests/check does).  Under QEMU 7.2's multi-threaded TCG that patching
# crashes the guest after some 50-100 flips, module or not; with
# LAGS_STRESS_PIN=1 two idle ftrace instances keep the tracepoints
# enabled (pin_tracepoints in module-lib.sh) so that the cycles patch
# nothing and the test can run there too.
#
# lags-kernels: stock lags lags-debug debian-6.12 debian-6.1 lags-distro
# lags-timeout: 1200
. "$(dirname "$0")/module-lib.sh"

[ -f "$LAGS_KO" ] || tap_skip_all "no $LAGS_KO"
lags_loaded && lags_unload
if [ "$LAGS_VARIANT" = lags ]; then
	def_secs=900 def_min=1000
else
	def_secs=100 def_min=100
fi
cycles=${LAGS_STRESS_CYCLES:-1000}
secs=${LAGS_STRESS_SECS:-$def_secs}
min=${LAGS_STRESS_MIN:-$def_min}
[ "$min" -gt "$cycles" ] && min=$cycles
marks=$(dmesg | wc -l)
pinned=no
if [ "${LAGS_STRESS_PIN:-0}" = 1 ]; then
	pin_tracepoints && pinned=yes
	tap_is "tracepoints pinned by two ftrace instances" "$pinned" yes
fi

top=$CG/lags-st-$$
mkdir "$top" && echo +cpu >"$top/cgroup.subtree_control" && mkdir "$top/w1" "$top/w2" "$top/rd"
# The workload, readers and writers keep both CPUs busy but at a low
# weight, so that the load/unload loop is not starved.
echo 10 >"$top/cpu.weight"
stop=/tmp/lags-stress-stop.$$
rm -f "$stop"
bg=

# Dense workload in two cgroups (cross-group switches all the time).
in_cgroup "$top/w1" stress-ng --quiet --switch 1 --timeout $((secs + 60)) &
bg="$bg $!"
in_cgroup "$top/w2" hackbench -s 64 -l 1000000 -g 1 -f 4 -P >/dev/null 2>&1 &
bg="$bg $!"
# Readers, each opening the files again and again.
for r in 1 2; do
	( read -r me _ </proc/self/stat; echo "$me" >"$top/rd/cgroup.procs"; while [ ! -e "$stop" ]; do
		cat $D/stats $D/cgroups $D/tunables $D/mode $D/enabled >/dev/null 2>&1
	done ) 2>/dev/null &
	bg="$bg $!"
done
# A writer: valid and invalid values, resets.
( read -r me _ </proc/self/stat; echo "$me" >"$top/rd/cgroup.procs"; while [ ! -e "$stop" ]; do
	echo 1 >$D/reset 2>/dev/null
	echo 7 >$D/cgroup_top 2>/dev/null
	echo x >$D/cgroup_top 2>/dev/null
	usleep 50000 2>/dev/null
done ) 2>/dev/null &
bg="$bg $!"
# Cgroup churn: create, put a task in, remove.
( read -r me _ </proc/self/stat; echo "$me" >"$top/rd/cgroup.procs"; i=0; while [ ! -e "$stop" ]; do
	mkdir "$top/c$i" 2>/dev/null && in_cgroup "$top/c$i" true
	rmdir "$top/c$i" 2>/dev/null
	i=$(((i + 1) % 50))
done ) 2>/dev/null &
bg="$bg $!"

start=$(date +%s)
n=0 lfail=0 ufail=0 reads=0
while [ $n -lt "$cycles" ] && [ $(($(date +%s) - start)) -lt "$secs" ]; do
	case $((n % 4)) in
	0) args= ;;
	1) args="cgroup_slots=16" ;;
	2) args="cgroup_top=1 cgroup_slots=4096" ;;
	3) args="observe=0" ;;
	esac
	lags_load $args || lfail=$((lfail + 1))
	[ $((n % 4)) -eq 3 ] && echo 1 >$D/observe
	[ $((n % 8)) -eq 0 ] && head -n 2 $D/stats >/dev/null && reads=$((reads + 1))
	lags_unload || ufail=$((ufail + 1))
	n=$((n + 1))
done
took=$(($(date +%s) - start))
touch "$stop"
kill $bg 2>/dev/null
for c in "$top"/*/; do echo 1 >"$c/cgroup.kill" 2>/dev/null; done
wait 2>/dev/null
sleep 1
for c in "$top"/*/; do rmdir "$c" 2>/dev/null; done
rmdir "$top" 2>/dev/null

[ $pinned = yes ] && unpin_tracepoints
tap_diag "$n load/unload cycles in ${took}s (asked: $cycles or ${secs}s; tracepoints pinned: $pinned)"
mkdir -p /results
echo "module-stress $LAGS_VARIANT: $n cycles in ${took}s, tracepoints pinned: $pinned" >>/results/module-stress.txt
tap_check "at least $min load/unload cycles done ($n)" test "$n" -ge "$min"
tap_is "every insmod succeeded" "$lfail" 0
tap_is "every rmmod succeeded" "$ufail" 0
tap_check "module gone at the end" sh -c '! test -d /sys/module/lags'
tap_is "no kernel splat" "$(dmesg | tail -n +$((marks + 1)) | dmesg_bad | head -n 5)" ""
tap_done
