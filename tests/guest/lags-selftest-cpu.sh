#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lags-kernels: lags lags-debug lags-distro
#
# The kernel's own cgroup cpu selftest (tools/testing/selftests/cgroup/
# test_cpu.c: cpu.stat, cpu.weight sharing, nested weights, cpu.max) with
# LAGS off and with all LAGS mechanisms on; test_cpu is built statically
# by scripts/selftests-build.  One TAP line per subtest and state.  Its
# checks are timing based, so a failing subtest is retried (up to five
# runs of test_cpu per state); a subtest counts as passed if one run
# passed it.  test_cpucg_max and test_cpucg_max_nested fail when a hog
# capped at 1 ms per 100 ms gets more than about 25.6 ms in 1 s; on the
# lags-debug kernel under TCG the cap is enforced at tick granularity and
# the hog got 16.9-32.3 ms with LAGS off and 17.7-26.8 ms with LAGS on
# (six runs each in one boot, means 22.2 and 22.1 ms), so a single run
# fails either way about one time in three; three runs failed with LAGS
# on once in CI, five make that unlikely without hiding a real overrun.  A subtest that fails in every run with LAGS off as well is
# a property of the machine (TCG), not of LAGS: it is reported as a skip
# for both states.  Failing only with LAGS on is a failure.

. "$(dirname "$0")/../lib/tap.sh"

P=/proc/sys/kernel
CG=/sys/fs/cgroup
grep -q " $CG cgroup2 " /proc/mounts || mount -t cgroup2 none $CG
echo +cpu > $CG/cgroup.subtree_control
tmp=/tmp/lags-selftest-cpu
mkdir -p $tmp /results/lags-selftest-cpu
: > $tmp/skipped

if ! command -v test_cpu >/dev/null 2>&1; then
	tap_skip "test_cpu with LAGS off and on" "test_cpu not in PATH (run scripts/selftests-build)"
	tap_done
	exit 0
fi

# run_state off|on: up to three runs; $tmp/<state>.pass and .all list names.
run_state() {
	: > $tmp/$1.pass
	: > $tmp/$1.all
	try=0
	while [ $try -lt 5 ]; do
		try=$((try + 1))
		test_cpu > $tmp/$1.$try.out 2>&1
		cp $tmp/$1.$try.out /results/lags-selftest-cpu/
		# "ok N name", "ok N # SKIP name", "not ok N name"; children
		# may repeat lines (stdio buffers copied by fork).
		sed -n 's/^ok [0-9]* \(test_[a-z_]*\).*/\1/p' \
			$tmp/$1.$try.out >> $tmp/$1.pass
		sed -n 's/^ok [0-9]* # SKIP \(test_[a-z_]*\).*/\1/p' \
			$tmp/$1.$try.out >> $tmp/skipped
		sed -n 's/^\(not \)\{0,1\}ok [0-9]* \(# SKIP \)\{0,1\}\(test_[a-z_]*\).*/\3/p' \
			$tmp/$1.$try.out >> $tmp/$1.all
		sort -u -o $tmp/$1.pass $tmp/$1.pass
		sort -u -o $tmp/$1.all $tmp/$1.all
		sort -u -o $tmp/$1.pass $tmp/$1.pass $tmp/skipped
		failing=$(grep -vxF -f $tmp/$1.pass $tmp/$1.all | tr '\n' ' ')
		[ -z "$failing" ] && break
	done
	echo "# LAGS $1: $try run(s) of test_cpu; failing in all: $failing"
}

# The key is flipped once (on) and once (off) for the whole test.
run_state off
echo 15 > $P/sched_lags_mode
echo 1 > $P/sched_lags
run_state on
echo 0 > $P/sched_lags

for t in $(sort -u $tmp/off.all $tmp/on.all); do
	if grep -qx "$t" $tmp/skipped; then
		tap_skip "$t" "skipped by test_cpu itself"
		continue
	fi
	poff=0 pon=0
	grep -qx "$t" $tmp/off.pass && poff=1
	grep -qx "$t" $tmp/on.pass && pon=1
	if [ $poff = 0 ] && [ $pon = 0 ]; then
		tap_skip "$t with LAGS off" "fails with LAGS off too (timing under TCG)"
		tap_skip "$t with LAGS on" "fails with LAGS off too (timing under TCG)"
		continue
	fi
	if [ $poff = 1 ]; then tap_result 0 "$t with LAGS off"; else
		tap_skip "$t with LAGS off" "failed with LAGS off only (timing under TCG)"; fi
	if [ $pon = 1 ]; then tap_result 0 "$t with LAGS on"; else tap_result 1 "$t with LAGS on"; fi
done
[ -s $tmp/off.all ] || tap_result 1 "test_cpu reported results"

tap_done
