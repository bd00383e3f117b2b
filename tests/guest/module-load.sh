#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# lags.ko: load, the debugfs files and their formats, write validation
# (every bad value refused with the old value kept), concurrent writers,
# reset, module parameters, unload.
#
# lags-kernels: stock lags lags-debug debian-6.12 debian-6.1 lags-distro
. "$(dirname "$0")/module-lib.sh"

[ -f "$LAGS_KO" ] || tap_skip_all "no $LAGS_KO"
lags_loaded && lags_unload
# Many loads and observe flips: keep the kernel from patching its text
# for each (see pin_tracepoints in module-lib.sh).
pin_tracepoints || tap_diag "could not pin the tracepoints"

tap_check "insmod lags.ko" lags_load
for f in mode enabled observe cgroup_slots cgroup_top tunables stats cgroups reset; do
	tap_check "debugfs lags/$f exists" test -e "$D/$f"
done
tap_is "mode is $(lags_mode_want) on the $LAGS_VARIANT kernel" "$(cat $D/mode)" "$(lags_mode_want)"

# stats: header, one row per online CPU, then total.
hdr=$(head -n 1 $D/stats)
case $hdr in
"cpu switches voluntary involuntary cross_group intra_group"*) r=0 ;;
*) r=1 ;;
esac
tap_result $r "stats header starts with the contract's columns"
tap_diag "stats header: $hdr"
online=$(awk -F, '{ n = 0; for (i = 1; i <= NF; i++) { split($i, a, "-");
	n += (a[2] == "" ? 1 : a[2] - a[1] + 1) } print n }' /sys/devices/system/cpu/online)
tap_is "stats has a row per online CPU and a total" \
	"$(awk 'NR > 1 { print $1 }' $D/stats | tr '\n' ' ')" \
	"$(i=0; while [ $i -lt "$online" ]; do printf '%s ' $i; i=$((i + 1)); done; echo 'total ')"
tap_is "every stats row has as many fields as the header" \
	"$(awk 'NR == 1 { n = NF } NF != n { bad++ } END { print bad + 0 }' $D/stats)" 0
tap_is "cgroups header" "$(head -n 1 $D/cgroups)" \
	"path id switches_in switches_out cross_in cross_out wait_max_us"
tap_check "cgroups lists the root cgroup and (other)" \
	sh -c "grep -q '^/ 1 ' $D/cgroups && grep -q '^(other) 0 ' $D/cgroups"

if [ "$(lags_mode_want)" = patched ]; then
	nk=$(awk '$6 == "kernel"' $D/tunables | wc -l)
	tap_check "patched: the kernel's tunables are listed ($nk)" test "$nk" -ge 1
	tap_is "patched: stats has a column per kernel counter" \
		"$(echo "$hdr" | awk '{ print (NF > 8) }')" 1
	missing=
	for n in $(awk 'NR > 1 && $6 == "kernel" { print $1 }' $D/tunables); do
		[ -e "$D/$n" ] || missing="$missing $n"
	done
	tap_is "patched: every kernel tunable has a file" "$missing" ""
else
	tap_is "observe-only: no kernel tunables listed" \
		"$(awk '$6 == "kernel"' $D/tunables | wc -l)" 0
fi

# Bad writes: refused (the write fails) and the value stays.
bad_writes() {	# FILE MIN MAX
	knob=$1 f=$D/$1 min=$2 max=$3
	old=$(cat "$f")
	set -- "abc" "-1" "1a" " 1" "1 2" "0x1" "1.5" "+1" "" \
		"99999999999999999999" "0000000000000000000000000001" \
		"$(printf '%0200d' 1)"
	[ "$max" -lt 4294967295 ] && set -- "$@" $((max + 1))
	[ "$min" -gt 0 ] && set -- "$@" $((min - 1))
	refused=0 taken=
	for v in "$@"; do
		if ( printf '%s\n' "$v" >"$f" ) 2>/dev/null; then
			taken="$taken '$v'"
		else
			refused=$((refused + 1))
		fi
	done
	tap_is "$knob: all $# bad values refused" "$taken" ""
	tap_is "$knob: value unchanged ($old)" "$(cat "$f")" "$old"
}
awk 'NR > 1 { print $1, $3, $4 }' $D/tunables >/tmp/lags-tunables.$$
while read -r name min max; do
	bad_writes "$name" "$min" "$max"
done </tmp/lags-tunables.$$
rm -f /tmp/lags-tunables.$$
[ "$(lags_mode_want)" = patched ] || bad_writes enabled 0 1
tap_check "reset refuses 2" sh -c "! ( echo 2 >$D/reset ) 2>/dev/null"
tap_check "a good value is taken" sh -c "echo 7 >$D/cgroup_top && test \$(cat $D/cgroup_top) = 7"
tap_check "a trailing newline is optional" sh -c "printf 9 >$D/cgroup_top && test \$(cat $D/cgroup_top) = 9"

# Concurrent writers: good and bad values from 4 writers at once.
pids=
for w in 1 2 3 4; do
	( i=0; while [ $i -lt 100 ]; do
		echo $w >$D/cgroup_top || echo "writer $w: good value refused"
		( echo -$w >$D/cgroup_top ) 2>/dev/null && echo "writer $w: bad value taken"
		i=$((i + 1))
	done ) >/tmp/lags-w$w.$$ 2>&1 &
	pids="$pids $!"
done
( i=0; while [ $i -lt 20 ]; do echo 0 >$D/observe; echo 1 >$D/observe; i=$((i + 1)); done ) &
pids="$pids $!"
i=0; while [ $i -lt 50 ]; do cat $D/stats $D/cgroups >/dev/null; i=$((i + 1)); done
wait $pids
tap_is "concurrent writers: no good write refused, no bad one taken" \
	"$(cat /tmp/lags-w?.$$)" ""
rm -f /tmp/lags-w?.$$
v=$(cat $D/cgroup_top)
tap_check "concurrent writers: the value is one of theirs ($v)" test "$v" -ge 1 -a "$v" -le 4
tap_is "observe back on after the toggling" "$(cat $D/observe)" 1
tap_is "observe-only: enabled mirrors observe" \
	"$( [ "$(lags_mode_want)" = patched ] && echo 1 || cat $D/enabled)" 1

# reset zeroes the counters.
sleep 1
before=$(stats_col total switches)
echo 1 >$D/reset
after=$(stats_col total switches)
tap_check "reset: total switches $before -> $after" test "$after" -lt "$before" -a "$after" -lt 1000
tap_is "reset: cgroup counters restart too" \
	"$(awk '$1 == "/" { print ($3 < 1000) }' $D/cgroups)" 1

# observe=0 stops counting.
echo 0 >$D/observe
echo 1 >$D/reset
sleep 1
tap_is "observe=0: nothing counted" "$(stats_col total switches)" 0
echo 1 >$D/observe

tap_check "rmmod" lags_unload
tap_check "debugfs directory gone" test ! -e "$D"

# Module parameters.
tap_check "cgroup_slots=8 refused at load" sh -c "! insmod $LAGS_KO cgroup_slots=8 2>/dev/null"
tap_check "cgroup_top=0 refused at load" sh -c "! insmod $LAGS_KO cgroup_top=0 2>/dev/null"
tap_check "enable=-2 refused at load" sh -c "! insmod $LAGS_KO enable=-2 2>/dev/null"
tap_check "insmod observe=0 cgroup_slots=64 cgroup_top=5" \
	lags_load observe=0 cgroup_slots=64 cgroup_top=5
tap_is "parameters reach debugfs" \
	"$(cat $D/observe $D/cgroup_slots $D/cgroup_top | tr '\n' ' ')" "0 64 5 "
tap_is "parameters in sysfs" \
	"$(cat /sys/module/lags/parameters/cgroup_slots)" 64
echo 128 >$D/cgroup_slots
tap_is "cgroup_slots resized at run time" "$(cat /sys/module/lags/parameters/cgroup_slots)" 128
tap_check "rmmod" lags_unload
if [ "$(lags_mode_want)" = patched ]; then
	tap_check "patched: unknown tunable refused at load" \
		sh -c "! insmod $LAGS_KO tunables=no_such_tunable=1 2>/dev/null"
	tap_check "patched: enable=2 refused at load" sh -c "! insmod $LAGS_KO enable=2 2>/dev/null"
	first=$(lags_load && awk 'NR > 1 && $6 == "kernel" && $1 != "enabled" { print $1, $3; exit }' $D/tunables)
	lags_unload
	if [ -n "$first" ]; then
		set -- $first
		tap_check "patched: tunables=$1=$2 applied at load" \
			sh -c "insmod $LAGS_KO tunables=$1=$2 && test \$(cat $D/$1) = $2"
		lags_unload
	fi
fi
unpin_tracepoints
tap_is "no kernel splat" "$(dmesg | dmesg_bad | head -n 3)" ""
tap_done
