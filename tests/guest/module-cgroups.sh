#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# lags.ko follows cgroup creation and removal with bounded memory:
#   - a new cpu cgroup is listed at once (cgroup_mkdir probe), a removed
#     one goes away (cgroup_rmdir probe);
#   - 60 cgroups created and removed one after the other in a 16-slot
#     table: slots are reused, every one is listed in turn;
#   - 40 cgroups at once in 16 slots: at most 16 rows, the rest is
#     counted in (other); after removal the table is back to where it was;
#   - resizing cgroup_slots at run time keeps the existing cgroups.
#
# lags-kernels: stock lags lags-debug debian-6.12 debian-6.1 lags-distro
. "$(dirname "$0")/module-lib.sh"

[ -f "$LAGS_KO" ] || tap_skip_all "no $LAGS_KO"
lags_loaded && lags_unload
tap_check "insmod lags.ko cgroup_slots=16 cgroup_top=8192" \
	lags_load cgroup_slots=16 cgroup_top=8192

rows() { awk 'NR > 1 && $1 != "(other)"' $D/cgroups | wc -l; }
listed() { awk -v p="$1" '$1 == p { f = 1 } END { exit !f }' $D/cgroups; }
# wait_for SECONDS CMD...: poll until CMD succeeds.
wait_for() {
	_t=$(($1 * 10))
	shift
	while ! "$@"; do
		_t=$((_t - 1))
		[ $_t -le 0 ] && return 1
		usleep 100000 2>/dev/null || sleep 1
	done
}

top=$CG/lags-cg-$$
mkdir "$top" && echo +cpu >"$top/cgroup.subtree_control"
wait_for 3 listed "/lags-cg-$$"
base=$(rows)
tap_diag "rows with the test's parent cgroup: $base"

mkdir "$top/one"
tap_check "a new cgroup is listed at once" listed "/lags-cg-$$/one"
in_cgroup "$top/one" sh -c 'i=0; while [ $i -lt 200 ]; do i=$((i + 1)); sleep 0; done'
set -- $(awk -v p="/lags-cg-$$/one" '$1 == p' $D/cgroups)
tap_check "its tasks' switches are counted (${3:-0} in)" test "${3:-0}" -gt 0
rmdir "$top/one"
tap_check "a removed cgroup goes away at once" sh -c "! awk -v p=/lags-cg-$$/one '\$1 == p { f = 1 } END { exit !f }' $D/cgroups"

# 60 in sequence through 16 slots: removed slots are reused (after an
# RCU grace period; the rescan work catches up within a second or two).
seen=0
i=0
while [ $i -lt 60 ]; do
	mkdir "$top/s$i"
	in_cgroup "$top/s$i" true
	wait_for 5 listed "/lags-cg-$$/s$i" && seen=$((seen + 1))
	rmdir "$top/s$i"
	i=$((i + 1))
done
tap_is "60 cgroups one after the other in 16 slots: each listed" "$seen" 60
wait_for 5 sh -c "test \$(awk 'NR > 1 && \$1 != \"(other)\"' $D/cgroups | wc -l) -eq $base"
tap_is "and the table is back to $base rows" "$(rows)" "$base"

# 40 at once, each with a task that switches.
i=0
pids=
while [ $i -lt 40 ]; do
	mkdir "$top/m$i"
	in_cgroup "$top/m$i" sh -c 'j=0; while [ $j -lt 30 ]; do j=$((j + 1)); sleep 0; done' &
	pids="$pids $!"
	i=$((i + 1))
done
wait $pids
r=$(rows)
tap_le "40 cgroups in 16 slots: at most 16 rows ($r)" "$r" 16
other=$(awk '$1 == "(other)" { print $3 }' $D/cgroups)
tap_check "the untracked ones count in (other) ($other switches in)" test "${other:-0}" -gt 0
i=0
while [ $i -lt 40 ]; do rmdir "$top/m$i"; i=$((i + 1)); done
wait_for 5 sh -c "test \$(awk 'NR > 1 && \$1 != \"(other)\"' $D/cgroups | wc -l) -eq $base"
tap_is "after removing them: back to $base rows" "$(rows)" "$base"

mkdir "$top/keep"
echo 64 >$D/cgroup_slots
tap_check "resize to 64 slots: existing cgroups still listed" listed "/lags-cg-$$/keep"
tap_is "resize: cgroup_slots reads 64" "$(cat $D/cgroup_slots)" 64
rmdir "$top/keep" "$top"
tap_check "rmmod" lags_unload
tap_is "no kernel splat" "$(dmesg | dmesg_bad | head -n 3)" ""
tap_done
