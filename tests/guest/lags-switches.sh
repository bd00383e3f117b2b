#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lags-kernels: lags lags-debug lags-distro
#
# A dense wakeup-driven load (one worker per real cpu cgroup, 16 groups per
# CPU, open-loop requests of 2 ms CPU at offered load 0.9): one run with
# LAGS off (key off), then, with the key on, runs with no mechanism
# (mode 0, stock behaviour) and all mechanisms (mode 15), interleaved in
# one boot.  All mechanisms must give fewer context switches per request
# than mode 0 and than stock (the key-off run and the mode 0 runs pooled):
# worker switches from rusage below 0.97x, all switches from /proc/stat
# ctxt below 1x, and, with lags.ko loaded, cross-group switches per
# request below 0.97x (v1 of the series reached 0.4-0.6x here; v2 keeps
# cpu.weight, cpu.idle and light wakers at stock and measured 0.73-0.76x
# on lags-debug, 0.93-0.95x on lags; when busy groups under the light
# limit could take light turns without having slept, 0.97x in CI, a
# failure; with light turns only for woken entities 0.86x on lags, one
# boot, and 0.56x with no light turns, mode 7).  0.97 rejects "no change"; the
# single key-off run once came out 8% below the mode 0 runs, which is why
# it is pooled with them.  The LAGS event counters must stay still with
# the key off and move with mechanisms on.  Counts, not
# timings.  The key is flipped once: A/B runs switch the mode word (a
# static key flip in a multi-threaded TCG guest can hit a stale int3).
#
# Environment: LAGS_SW_SECONDS (per run, default 4), LAGS_SW_ROUNDS
# (default 2), LAGS_SW_GROUPS (default 16 per CPU), LAGS_SW_LOAD (offered
# load, default 0.9), LAGS_SW_MODES (modes run with the key on, default
# "0 15"; "0 1 2 3 8 15" for an ablation; the last one is checked).

. "$(dirname "$0")/../lib/tap.sh"

P=/proc/sys/kernel
CG=/sys/fs/cgroup
ncpu=$(grep -c ^processor /proc/cpuinfo)
secs=${LAGS_SW_SECONDS:-4}
rounds=${LAGS_SW_ROUNDS:-2}
groups=${LAGS_SW_GROUPS:-$((16 * ncpu))}
modes=${LAGS_SW_MODES:-0 15}
load=${LAGS_SW_LOAD:-0.9}
out=/results/lags-switches
mkdir -p $out

grep -q " $CG cgroup2 " /proc/mounts || mount -t cgroup2 none $CG
echo +cpu > $CG/cgroup.subtree_control
mountpoint -q /sys/kernel/debug 2>/dev/null || mount -t debugfs none /sys/kernel/debug 2>/dev/null
if [ -f /lags/module/lags.ko ] && insmod /lags/module/lags.ko 2>/dev/null; then
	mod=1
else
	mod=0
fi
STATS=/sys/kernel/debug/lags/stats
[ -r $STATS ] || mod=0

# stat NAME: the "total" row of lags.ko's stats for column NAME.
stat() {
	awk -v c="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i }
		$1 == "total" { print (k ? $k : 0) }' $STATS
}
# field KEY LINE: value of KEY=... in a wakeload result line.
field() { echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }

setmode() {
	if [ "$1" = off ]; then
		echo 0 > $P/sched_lags
	else
		echo "$1" > $P/sched_lags_mode
		echo 1 > $P/sched_lags
	fi
}

for m in off $modes; do
	eval "req_$m=0 sw_$m=0 inv_$m=0 ctxt_$m=0 cross_$m=0 ev_$m=0 p50_$m=0 p99_$m=0 cnt_$m=0"
done

r=0
first=1
while [ $r -lt $rounds ]; do
	r=$((r + 1))
	ms=$modes
	[ $first = 1 ] && ms="off $modes"
	first=0
	for m in $ms; do
		setmode "$m"
		[ $mod = 1 ] && c0=$(stat cross_group) &&
			e0=$(($(stat drain_keep) + $(stat wakeup_defer) + $(stat order) + $(stat guard)))
		line=$(lags-wakeload --groups "$groups" --seconds "$secs" --load "$load" \
			--work-us 2000 --cgroot $CG/lags-sw --json $out/run-$r-$m.json)
		[ $mod = 1 ] && c1=$(stat cross_group) &&
			e1=$(($(stat drain_keep) + $(stat wakeup_defer) + $(stat order) + $(stat guard)))
		echo "# round $r mode $m: $line${c1:+ cross_group=$((c1 - c0)) lags_events=$((e1 - e0))}"
		rq=$(field requests "$line")
		eval "req_$m=\$((req_$m + rq))"
		eval "sw_$m=\$((sw_$m + $(field nvcsw "$line") + $(field nivcsw "$line")))"
		eval "inv_$m=\$((inv_$m + $(field nivcsw "$line")))"
		eval "ctxt_$m=\$((ctxt_$m + $(field ctxt "$line")))"
		eval "p50_$m=\$((p50_$m + $(field p50_us "$line")))"
		eval "p99_$m=\$((p99_$m + $(field p99_us "$line")))"
		eval "cnt_$m=\$((cnt_$m + 1))"
		if [ $mod = 1 ]; then
			eval "cross_$m=\$((cross_$m + c1 - c0))"
			eval "ev_$m=\$((ev_$m + e1 - e0))"
		fi
	done
done

# Per-request figures in thousandths.
per() { [ "$2" -gt 0 ] && echo $(($1 * 1000 / $2)) || echo 0; }
{
	echo "mode requests switches_per_req_x1000 invol_per_req_x1000 ctxt_per_req_x1000 cross_per_req_x1000 lags_events p50_us p99_us"
	for m in off $modes; do
		eval "echo $m \$req_$m \$(per \$sw_$m \$req_$m) \$(per \$inv_$m \$req_$m) \$(per \$ctxt_$m \$req_$m) \$(per \$cross_$m \$req_$m) \$ev_$m \$((p50_$m / cnt_$m)) \$((p99_$m / cnt_$m))"
	done
} > $out/summary.txt
sed 's/^/# /' $out/summary.txt

echo 0 > $P/sched_lags

# Checks: the last mode (all mechanisms by default) against mode 0 (key
# on, no mechanism; interleaved) and against stock (key off and mode 0).
last=$(echo $modes | awk '{ print $NF }')
eval "r0=\$req_0 roff=\$req_off ron=\$req_$last"
tap_check "requests served with LAGS off ($roff), mode 0 (${r0:-none}) and mode $last ($ron)" \
	[ "$roff" -gt 0 ] && [ "$ron" -gt 0 ]
ng=$(ls -d $CG/lags-sw/g*/cpu.weight 2>/dev/null | wc -l)
tap_check "each function has its own cpu cgroup ($ng of $groups)" [ "$ng" -eq "$groups" ]
# "stock" pools the key-off run with the mode 0 runs (both behave as
# stock): the key-off run is a single run, and one boot measured it 8%
# below the mode 0 runs in cross-group switches (1245 vs 1350 per 1000
# requests), enough to fail a 0.97x check against it alone.
req_stock=$req_off sw_stock=$sw_off ctxt_stock=$ctxt_off cross_stock=$cross_off
case " $modes " in
*" 0 "*)
	req_stock=$((req_stock + req_0)) sw_stock=$((sw_stock + sw_0))
	ctxt_stock=$((ctxt_stock + ctxt_0)) cross_stock=$((cross_stock + cross_0))
	;;
esac
for base in stock 0; do
	case " stock $modes " in *" $base "*) ;; *) continue ;; esac
	[ "$base" = "$last" ] && continue
	eval "a=\$(per \$sw_$base \$req_$base) b=\$(per \$sw_$last \$req_$last)"
	tap_check "worker switches per request: mode $last ($b/1000) < 0.97 x $base ($a/1000)" \
		[ $((b * 100)) -lt $((a * 97)) ]
	eval "a=\$(per \$ctxt_$base \$req_$base) b=\$(per \$ctxt_$last \$req_$last)"
	tap_check "all switches per request (/proc/stat): mode $last ($b/1000) < $base ($a/1000)" \
		[ "$b" -lt "$a" ]
	if [ $mod = 1 ]; then
		eval "a=\$(per \$cross_$base \$req_$base) b=\$(per \$cross_$last \$req_$last)"
		tap_check "cross-group switches per request: mode $last ($b/1000) < 0.97 x $base ($a/1000)" \
			[ $((b * 100)) -lt $((a * 97)) ]
	else
		tap_skip "cross-group switches per request against $base" "lags.ko not loaded"
	fi
done
if [ $mod = 1 ]; then
	tap_check "LAGS counters stay still with the key off ($ev_off)" [ "$ev_off" -eq 0 ]
	eval "e=\$ev_$last"
	tap_check "LAGS counters move with mode $last ($e)" [ "$e" -gt 0 ]
	rmmod lags 2>/dev/null
fi

# Clean up the groups.
for d in $CG/lags-sw/g*; do
	[ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null
done
rmdir $CG/lags-sw 2>/dev/null

tap_done
