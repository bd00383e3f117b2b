#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lags-kernels: lags-debug lags-distro
# (lags-debug only: lockdep sees what this provokes, and the kernel is the
# lags kernel with debug options; the timed lags suite stays short.)
# lags-timeout: 900
#
# 10,000 cpu cgroups created and removed under load with LAGS on (dense
# preset), by two churners at once (lags-churn, 5,000 each: system calls,
# no fork per step): a spinning task is moved
# into every fourth new group (so that group's entities are enqueued on a
# run queue where LAGS drains and note waiters) and out again before the
# group is removed, while lags-wakeload serves requests in 16 other
# groups.  Nothing may be
# lost or leaked:
#   - every create, move and remove succeeds;
#   - once the removed groups are freed (cgroup.stat nr_dying_descendants
#     back to 0), the number of cpu cgroups (/proc/cgroups) is what it was
#     (a group whose reference is leaked never leaves the dying state);
#   - unreclaimable slab plus per-CPU memory (/proc/meminfo) grew by less
#     than 8 MiB, measured after a first round of 2,000 cycles that warms
#     the caches (0.2-0.4 MiB seen: slabs and per-CPU chunks are kept, not
#     returned; a task group with its per-CPU entities and run queues
#     takes over 2 KiB on two CPUs, so leaking half of them would show;
#     leaked whole cgroups show in the count first: with one group in ten
#     kept, 500 too many and 5.9 MiB more);
#   - the load finished with no worker stuck, and no kernel splat.

. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/lags.sh"

P=/proc/sys/kernel
CG=/sys/fs/cgroup
ROOT=$CG/lags-churn
[ -f $P/sched_lags ] || tap_skip_all "kernel.sched_lags absent (not the lags kernel)"
command -v lags-wakeload >/dev/null || tap_skip_all "lags-wakeload not in the guest"
command -v lags-churn >/dev/null || tap_skip_all "lags-churn not in the guest"
lags_cpu_cgroup "$ROOT"
mkdir -p $ROOT/home
dmesg_mark=$(dmesg | wc -l)
echo 1 >$P/sched_schedstats 2>/dev/null

# Unreclaimable slab + per-CPU memory, in kB.
kmem_kb() { awk '$1 == "SUnreclaim:" || $1 == "Percpu:" { s += $2 } END { print s }' /proc/meminfo; }
kmem_parts() { awk '$1 == "SUnreclaim:" || $1 == "Percpu:" { printf "%s %s kB ", $1, $2 }' /proc/meminfo; }
cpu_cgroups() { awk '$1 == "cpu" { print $3 }' /proc/cgroups; }
dying() { sed -n 's/^nr_dying_descendants //p' $CG/cgroup.stat; }
# settle: wait up to 60 s for removed groups to be freed.
settle() {
	_n=0
	while [ "$(dying)" != 0 ] && [ $_n -lt 600 ]; do
		usleep 100000
		_n=$((_n + 1))
	done
	echo 3 >/proc/sys/vm/drop_caches 2>/dev/null
}

# churn2 N FIRST: N create/remove cycles of groups c<FIRST>... split
# between two lags-churn processes running at once, each moving its own
# spinner through every fourth group; prints the cycles that failed.
churn2() {
	lags-churn --root $ROOT --cycles $(($1 / 2)) --first $2 --mover $mover1 \
		>/tmp/churn-a.$$ 2>&1 &
	lags-churn --root $ROOT --cycles $(($1 / 2)) --first $(($2 + $1 / 2)) \
		--mover $mover2 >/tmp/churn-b.$$ 2>&1
	wait $!
	grep -v '^cycles=[0-9]* failed=0$' /tmp/churn-a.$$ /tmp/churn-b.$$
	rm -f /tmp/churn-a.$$ /tmp/churn-b.$$
}

lags_dense on
lags-wakeload --groups 16 --seconds 100000 --load 0.5 --work-us 1000 \
	--cgroot $ROOT/wl >/tmp/churn-load.$$ 2>&1 &
load=$!
sh -c "echo \$\$ >$ROOT/home/cgroup.procs; while :; do :; done" &
mover1=$!
sh -c "echo \$\$ >$ROOT/home/cgroup.procs; while :; do :; done" &
mover2=$!
sleep 1

warm=$(churn2 2000 0)
tap_is "warm-up: 2,000 cycles without a failure" "$warm" ""
settle
k0=$(kmem_kb) n0=$(cpu_cgroups) p0=$(kmem_parts)
t0=$(cut -d' ' -f1 /proc/uptime)
fails=$(churn2 10000 2000 | head -n 5)
t1=$(cut -d' ' -f1 /proc/uptime)
tap_is "10,000 cycles: every create, move and remove succeeded" "$fails" ""
settle
k1=$(kmem_kb) n1=$(cpu_cgroups)
echo "# 10,000 cycles in $(echo "$t0 $t1" | awk '{ print $2 - $1 }') s;" \
	"before: $p0; after: $(kmem_parts); cpu cgroups $n0 -> $n1; dying $(dying)"
tap_is "every removed group was freed (nr_dying_descendants)" "$(dying)" 0
tap_is "cpu cgroups back to $n0" "$n1" "$n0"
tap_check "unreclaimable slab + per-CPU memory grew less than 8 MiB ($((k1 - k0)) kB)" \
	[ $((k1 - k0)) -lt 8192 ]

kill $mover1 $mover2 2>/dev/null
# lags-wakeload runs until stopped: SIGTERM ends it with its report.
kill $load 2>/dev/null
wait $load
lags_wakeload_checks /tmp/churn-load.$$ $? "the churn" 2000000
lags_dense off
lags_cgroup_remove $ROOT
rm -f /tmp/churn-load.$$
lags_no_splat $dmesg_mark
tap_done
