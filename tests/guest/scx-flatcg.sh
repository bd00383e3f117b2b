#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lags-kernels: lags-debug lags-scx stock-scx
#
# The sched_ext peer loads and unloads cleanly under the dense load: with
# 16 function cgroups per CPU (lags-wakeload, 2 ms requests at offered
# load 0.9) running, the flatcg configuration of the benchmarks
# (bench/lags-knobs.sh: scx_flatcg, built by scripts/scx-build from the
# kernel's tools/sched_ext) must take over, and its unloading must give
# every task back to the fair class:
#
#   - sched_ext state "enabled" and root/ops "flatcg", enable_seq up by one;
#   - every worker of the load runs in sched_ext (/proc/PID/sched
#     ext.enabled 1) while it is loaded, and in the fair class again
#     (ext.enabled 0, policy SCHED_OTHER) after it;
#   - the load serves requests under flatcg and after it, and no task was
#     rejected (nr_rejected);
#   - the kernel log says the scheduler was enabled and then unregistered
#     from user space, not disabled for an error.
#
# Skipped where the kernel has no sched_ext or scx_flatcg is not built.

. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/lags.sh"

SCX=/sys/kernel/sched_ext
[ -r $SCX/state ] || tap_skip_all "this kernel has no sched_ext (CONFIG_SCHED_CLASS_EXT)"
command -v scx_flatcg >/dev/null 2>&1 || tap_skip_all "scx_flatcg not built (scripts/scx-build)"

lags_knobs_load scx-flatcg

CG=/sys/fs/cgroup
lags_cpu_cgroup
ncpu=$(grep -c ^processor /proc/cpuinfo)
groups=$((16 * ncpu))
out=/results/scx-flatcg
mkdir -p $out

# ext_of PID: "ext.enabled" of the task's /proc sched entry (0 or 1).
ext_of() { awk '$1 == "ext.enabled" { print $3 }' "/proc/$1/sched" 2>/dev/null; }

# workers: pids of the load's worker processes (those in its cgroups).
workers() { cat $CG/lags-scx/g*/cgroup.procs 2>/dev/null; }

# count_ext VALUE: how many workers have ext.enabled VALUE.
count_ext() {
	n=0
	for p in $(workers); do
		[ "$(ext_of "$p")" = "$1" ] && n=$((n + 1))
	done
	echo $n
}

dmesg -c >/dev/null
seq0=$(cat $SCX/enable_seq)
rej0=$(cat $SCX/nr_rejected)
tap_is "sched_ext is disabled before the test" "$(knobs_scx_state)" disabled

lags-wakeload --groups "$groups" --seconds 12 --load 0.9 --work-us 2000 \
	--cgroot $CG/lags-scx >$out/wakeload.txt 2>&1 &
load=$!
sleep 2
nw=$(workers | wc -l)
tap_check "the dense load runs ($nw workers in $groups cgroups)" [ "$nw" -eq "$groups" ]

knobs_init
knobs_apply flatcg >/dev/null
rc=$?
tap_is "the flatcg configuration applies (knobs_apply status)" "$rc" 0
tap_is "sched_ext state while flatcg is loaded" "$(knobs_scx_state)" enabled
tap_is "the active BPF scheduler (root/ops)" "$(cat $SCX/root/ops 2>/dev/null)" flatcg
tap_is "enable_seq counts one load" "$(cat $SCX/enable_seq)" $((seq0 + 1))
sleep 3
on=$(count_ext 1)
tap_check "every worker runs in sched_ext ($on of $nw)" [ "$on" -eq "$nw" ]

knobs_restore
tap_is "sched_ext state after unloading" "$(knobs_scx_state)" disabled
back=$(count_ext 0)
tap_check "every worker is back in the fair class ($back of $nw)" [ "$back" -eq "$nw" ]
other=0
for p in $(workers); do
	pol=$(awk '$1 == "policy" { print $3 }' "/proc/$p/sched" 2>/dev/null)
	[ "${pol:-0}" = 0 ] || other=$((other + 1))
done
tap_is "workers not SCHED_OTHER after unloading" "$other" 0

wait $load
lrc=$?
line=$(tail -n 1 $out/wakeload.txt)
tap_diag "load: $line"
req=$(echo "$line" | tr ' ' '\n' | sed -n 's/^requests=//p')
tap_check "the load served its requests across load and unload (exit $lrc, ${req:-0} requests)" \
	[ "$lrc" -eq 0 ] && [ "${req:-0}" -gt 0 ]
tap_is "tasks rejected by sched_ext" "$(($(cat $SCX/nr_rejected) - rej0))" 0

dmesg >$out/dmesg.txt
tap_check "the kernel log shows flatcg enabled" grep -q 'sched_ext: BPF scheduler "flatcg" enabled' $out/dmesg.txt
tap_check "the kernel log shows it unregistered from user space, no error exit" \
	grep -q 'sched_ext: BPF scheduler "flatcg" disabled (unregistered from user space)' $out/dmesg.txt
rmdir $CG/lags-scx/g* $CG/lags-scx 2>/dev/null
tap_done
