#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# lags.ko counters add up during a dense workload in two cpu cgroups:
#   - total switches vs the /proc/stat ctxt delta over the same window,
#     within max(200, 1%): the two are read a few switches apart (reads,
#     the reset write), never at the same instant;
#   - in every row (each CPU, total): voluntary + involuntary = switches
#     and cross_group + intra_group = switches, exactly (rows are taken
#     in an IPI, so they are consistent);
#   - total = the sum of the CPU rows;
#   - cross-group switches happen and both cgroups show up in lags/cgroups
#     with switches, cross-group switches and a runnable wait.
#
# lags-kernels: stock lags lags-debug debian-6.12 debian-6.1 lags-distro
. "$(dirname "$0")/module-lib.sh"

[ -f "$LAGS_KO" ] || tap_skip_all "no $LAGS_KO"
lags_loaded && lags_unload
tap_check "insmod lags.ko cgroup_top=8192" lags_load cgroup_top=8192

top=$CG/lags-mc-$$
mkdir -p "$top" && echo +cpu >"$top/cgroup.subtree_control" && mkdir "$top/a" "$top/b"
secs=${LAGS_COUNTERS_SECS:-4}

c0=$(ctxt)
echo 1 >$D/reset
in_cgroup "$top/a" stress-ng --quiet --switch 2 --timeout "$secs" &
pa=$!
in_cgroup "$top/b" stress-ng --quiet --switch 2 --timeout "$secs" &
pb=$!
wait $pa $pb
# Copy while idle, then read /proc/stat: the copy is the only switch source.
cp $D/stats /tmp/lags-stats.$$
c1=$(ctxt)
cp $D/cgroups /tmp/lags-cgroups.$$
S=/tmp/lags-stats.$$

dctxt=$((c1 - c0))
sw=$(stats_col total switches $S)
diff=$((dctxt - sw))
[ $diff -lt 0 ] && adiff=$((-diff)) || adiff=$diff
tol=$((dctxt / 100))
[ $tol -lt 200 ] && tol=200
tap_diag "ctxt delta $dctxt, lags switches $sw, difference $diff (tolerance $tol)"
tap_check "workload switched a lot ($sw switches in ${secs}s)" test "$sw" -gt 5000
tap_le "switches = ctxt delta within max(200, 1%)" "$adiff" "$tol"

tap_is "every row: voluntary + involuntary = switches" \
	"$(awk 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
		$h["voluntary"] + $h["involuntary"] != $h["switches"] { print $1 }' $S)" ""
tap_is "every row: cross_group + intra_group = switches" \
	"$(awk 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
		$h["cross_group"] + $h["intra_group"] != $h["switches"] { print $1 }' $S)" ""
tap_is "total = sum of the CPU rows, every counter column" \
	"$(awk 'NR == 1 { n = NF; for (i = 1; i <= NF; i++) if ($i == "wait_max_us") w = i; next }
		$1 != "total" { for (i = 2; i <= n; i++) s[i] += $i; next }
		{ for (i = 2; i <= n; i++) if (i != w && s[i] != $i) print i }' $S)" ""
cross=$(stats_col total cross_group $S)
tap_check "cross-group switches counted ($cross)" test "$cross" -gt 100
tap_check "a runnable wait recorded ($(stats_col total wait_max_us $S) us)" \
	test "$(stats_col total wait_max_us $S)" -gt 0

for g in a b; do
	row=$(awk -v p="/lags-mc-$$/$g" '$1 == p' /tmp/lags-cgroups.$$)
	tap_diag "cgroups: $row"
	set -- $row
	tap_check "cgroup $g listed with switches in/out (${3:-?}/${4:-?})" \
		test "${3:-0}" -gt 1000 -a "${4:-0}" -gt 1000
	tap_check "cgroup $g: cross-group switches (${5:-?}/${6:-?})" \
		test "${5:-0}" -gt 0 -a "${6:-0}" -gt 0
	tap_check "cgroup $g: runnable wait recorded (${7:-?} us)" test "${7:-0}" -gt 0
done
# Rows count non-idle tasks only: sum of switches_in is between the
# switches that did not go to idle and all of them.
sin=$(awk 'NR > 1 { s += $3 } END { print s + 0 }' /tmp/lags-cgroups.$$)
idle=$(stats_col total idle $S)
tap_diag "sum of cgroup switches_in $sin, switches $sw, idle $idle"
tap_check "sum of cgroup switches_in within [switches - idle, switches] (+-200)" \
	test "$sin" -ge $((sw - idle - 200)) -a "$sin" -le $((sw + 200))

rm -f /tmp/lags-stats.$$ /tmp/lags-cgroups.$$
rmdir "$top/a" "$top/b" "$top"
tap_check "rmmod" lags_unload
tap_is "no kernel splat" "$(dmesg | dmesg_bad | head -n 3)" ""
tap_done
