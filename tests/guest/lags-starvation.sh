#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lags-kernels: lags lags-debug
#
# Adversarial mix: a heavy group with two spinning threads against a
# constant stream of light groups (workers that serve a few requests and
# leave, replaced by fresh groups), offered load above capacity.  With all
# LAGS mechanisms on and kernel.sched_lags_guard_us = 20 ms, no task of
# any group may wait longer than the bound plus two ticks and a TCG
# margin (schedstats wait_max of every worker and heavy thread).  The
# same mix with the guard bit cleared is run for comparison only.

n=0
ok()   { n=$((n + 1)); echo "ok $n - $*"; }
nok()  { n=$((n + 1)); echo "not ok $n - $*"; }
check() { d=$1; shift; if "$@"; then ok "$d"; else nok "$d"; fi; }

P=/proc/sys/kernel
CG=/sys/fs/cgroup
grep -q " $CG cgroup2 " /proc/mounts || mount -t cgroup2 none $CG
echo +cpu > $CG/cgroup.subtree_control
echo 1 > $P/sched_schedstats
mkdir -p /results/lags-starvation
hz_ms=4				# CONFIG_HZ_250
bound_us=20000
limit_us=$((bound_us + 2 * hz_ms * 1000 + 12000))
field() { echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }

run() {	# run MODE: one adversarial run with LAGS on in MODE
	echo "$1" > $P/sched_lags_mode
	echo $bound_us > $P/sched_lags_guard_us
	echo 1 > $P/sched_lags
	lags-wakeload --groups 24 --heavy 2 --churn 4 --seconds 5 --load 1.2 \
		--work-us 3000 --cgroot $CG/lags-adv --json /results/lags-starvation/mode-$1.json
	echo 0 > $P/sched_lags
}

# Informational: guard off (drain, wakeup deferral and order only).
line=$(run 11)
echo "# guard off (mode 11): $line"
line=$(run 15)
echo "# guard on (mode 15): $line"
w=$(field wait_max_us "$line")
h=$(field heavy_wait_max_us "$line")
r=$(field requests "$line")
check "adversarial mix served requests ($r)" [ "${r:-0}" -gt 0 ]
check "light groups never waited past the bound (${w}us <= ${limit_us}us)" [ "${w:-999999999}" -le $limit_us ]
check "heavy group never waited past the bound (${h}us <= ${limit_us}us)" [ "${h:-999999999}" -le $limit_us ]

echo 50000 > $P/sched_lags_guard_us
echo 15 > $P/sched_lags_mode
echo 0 > $P/sched_schedstats
for d in $CG/lags-adv/*; do [ -d "$d" ] && rmdir "$d" 2>/dev/null; done
rmdir $CG/lags-adv 2>/dev/null
echo "1..$n"
