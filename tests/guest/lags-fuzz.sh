#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lags-kernels: lags-debug lags-distro
# (lags-debug only: lockdep sees what this provokes, and the kernel is the
# lags kernel with debug options; the timed lags suite stays short.)
# lags-timeout: 900
#
# Hostile input to every control file of ours while a dense, wakeup-driven
# LAGS load runs (lags-wakeload, 24 function cgroups at load 0.9, LAGS on
# with the dense preset):
#   - every kernel.sched_lags* sysctl, every cpu.lags file of the load's
#     groups and, when lags.ko loads, every writable file of
#     /sys/kernel/debug/lags get negative, huge, non-numeric, empty,
#     partial, out-of-range and random values: each is refused with
#     EINVAL ("Invalid argument") and the value read back is the old one;
#   - random in-range values are taken and read back as written;
#   - four writers at once (good and bad values, key flips among them):
#     no good value refused, no bad one taken, the value left is one the
#     good writers wrote;
#   - the load finished (no worker stuck) and the kernel log has no splat.

. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/lags.sh"

P=/proc/sys/kernel
D=/sys/kernel/debug/lags
ROOT=/sys/fs/cgroup/lags-fuzz
KO=/lags/module/lags.ko
[ -f $P/sched_lags ] || tap_skip_all "kernel.sched_lags absent (not the lags kernel)"
command -v lags-wakeload >/dev/null || tap_skip_all "lags-wakeload not in the guest"
grep -q " /sys/kernel/debug debugfs " /proc/mounts || mount -t debugfs none /sys/kernel/debug
lags_cpu_cgroup "$ROOT"
dmesg_mark=$(dmesg | wc -l)

# try_write FILE BYTES: one write(2) of BYTES (echo -e escapes: \n, \t,
# \0NNN) to FILE; prints "ok" when taken, else the error (EINVAL for
# "Invalid argument").  busybox's printf does not report a failed write;
# its echo does.
try_write() {
	_e=$( { echo -ne "$2" >"$1"; } 2>&1) && { echo ok; return; }
	case $_e in
	*"Invalid argument"*) echo EINVAL ;;
	*) echo "${_e##*: }" ;;
	esac
}

# random_bad N MAX: N random numbers above MAX (out of range) and N
# random strings of printable bytes that do not start with a digit.
random_bad() {
	awk -v n="$1" -v max="$2" -v seed="$(cut -d' ' -f1 /proc/uptime | tr -d .)" 'BEGIN {
		srand(seed)
		for (i = 0; i < n; i++)
			printf "%.0f\n", max + 1 + int(rand() * 4294967296 * 8)
		for (i = 0; i < n; i++) {
			c = 33 + int(rand() * 15)	# punctuation, not a digit
			if (c == 43 || c == 45) c = 33	# nor "+" (kstrtoull skips it) or "-" (an echo option)
			s = sprintf("%c", c)
			l = 1 + int(rand() * 12)
			for (j = 0; j < l; j++) {
				c = 33 + int(rand() * 94)
				if (c == 92) c = 47	# no backslash: printf %b would read it
				s = s sprintf("%c", c)
			}
			print s
		}
	}'
}
random_good() {	# N MIN MAX
	awk -v n="$1" -v lo="$2" -v hi="$3" -v seed="$(cut -d' ' -f1 /proc/uptime | tr -d .)" 'BEGIN {
		srand(seed + 7)
		for (i = 0; i < n; i++) printf "%.0f\n", lo + int(rand() * (hi - lo + 1))
	}'
}

# fuzz_file FILE MIN MAX LABEL: the hostile and random values of the
# header against FILE (an unsigned value in [MIN, MAX]); one TAP line for
# the refusals, one for the values kept, one for the good values.
fuzz_file() {
	f=$1 min=$2 max=$3 label=$4
	old=$(cat "$f")
	wrong= changed=
	{
		# negative, huge, non-numeric, empty, partial and malformed
		printf '%s\n' "-1" "-0" "-4294967296" "4294967296" "18446744073709551615" \
			"18446744073709551616" "99999999999999999999999999" "abc" "\\n" " " \
			"\\t\\n" "1x" "x1" "1.5" "1e3" "+-1" "--1" "1 x" "0x" "12abc" \
			"\\0001" "1\\0002" "$(printf '%0300d' 1)"
		[ "$max" -lt 4294967295 ] && echo $((max + 1))
		[ "$min" -gt 0 ] && echo $((min - 1))
		true
		random_bad 10 "$max"
	} >/tmp/fuzz-bad.$$
	n=0
	while IFS= read -r v; do
		n=$((n + 1))
		r=$(try_write "$f" "$v")
		[ "$r" = EINVAL ] || wrong="$wrong '$v'->$r"
		now=$(cat "$f")
		[ "$now" = "$old" ] || { changed="$changed '$v'->$now"; old=$now; }
	done </tmp/fuzz-bad.$$
	tap_is "$label: $n bad writes refused with EINVAL" "$wrong" ""
	tap_is "$label: the old value stays after each" "$changed" ""
	bad_good=
	for v in $(random_good 6 "$min" "$max") "$min" "$max"; do
		r=$(try_write "$f" "$v\\n")
		now=$(cat "$f")
		[ "$r" = ok ] && [ "$now" = "$v" ] || bad_good="$bad_good $v->$r/$now"
	done
	tap_is "$label: random in-range values taken and read back" "$bad_good" ""
	try_write "$f" "$old\\n" >/dev/null
	rm -f /tmp/fuzz-bad.$$
}

# concurrent FILE GOOD1 GOOD2 LABEL: four writers at once, two with good
# values, two with bad ones; the value left is a good one.
concurrent() {
	f=$1 g1=$2 g2=$3 label=$4
	old=$(cat "$f")
	pids=
	for w in 1 2; do
		eval "g=\$g$w"
		( i=0; while [ $i -lt 60 ]; do
			[ "$(try_write "$f" "$g\\n")" = ok ] || echo "good $g refused"
			i=$((i + 1))
		done ) >/tmp/fuzz-w$w.$$ 2>&1 &
		pids="$pids $!"
	done
	for w in 3 4; do
		( i=0; while [ $i -lt 60 ]; do
			r=$(try_write "$f" "-$w\\n")
			[ "$r" = EINVAL ] || echo "bad -$w: $r"
			r=$(try_write "$f" "4294967296$w")
			[ "$r" = EINVAL ] || echo "bad 4294967296$w: $r"
			i=$((i + 1))
		done ) >/tmp/fuzz-w$w.$$ 2>&1 &
		pids="$pids $!"
	done
	wait $pids
	tap_is "$label: 4 concurrent writers, no good write refused, no bad one taken" \
		"$(cat /tmp/fuzz-w?.$$ | sort | uniq -c)" ""
	v=$(cat "$f")
	tap_check "$label: the value left is a good writer's ($v)" \
		sh -c "[ '$v' = '$g1' ] || [ '$v' = '$g2' ]"
	rm -f /tmp/fuzz-w?.$$
	try_write "$f" "$old\\n" >/dev/null
}

echo 1 >$P/sched_schedstats 2>/dev/null
lags_dense on
secs=90
lags-wakeload --groups 24 --seconds $secs --load 0.6 --work-us 1000 --cgroot $ROOT/wl \
	>/tmp/fuzz-load.$$ 2>&1 &
load=$!
sleep 2

# The sysctls: names, minimum and maximum of the patched kernel's table
# (ranges as in lags-sysctl.sh).
while read -r name min max; do
	[ -f $P/$name ] || { tap_result 1 "$name exists"; continue; }
	fuzz_file $P/$name "$min" "$max" "$name"
done <<EOF
sched_lags 0 1
sched_lags_mode 0 15
sched_lags_drain_budget_us 0 100000
sched_lags_guard_us 1000 10000000
sched_lags_light_pct 0 100
EOF
lags_dense on
concurrent $P/sched_lags_drain_budget_us 2000 4000 sched_lags_drain_budget_us
concurrent $P/sched_lags 0 1 "sched_lags (key flips)"
lags_dense on

# cpu.lags of the load's function groups (0 or 1; the root has none).
groups=$(ls -d $ROOT/wl/g* | head -n 2)
for g in $groups; do
	fuzz_file "$g/cpu.lags" 0 1 "cpu.lags of $(basename "$g")"
done
tap_check "the load's groups have cpu.lags" [ -n "$groups" ]
g=$(ls -d $ROOT/wl/g* | head -n 1)
concurrent "$g/cpu.lags" 0 1 "cpu.lags"

# lags.ko's debugfs files, when the module is there and loads.
if [ -f $KO ] && insmod $KO 2>/dev/null; then
	awk 'NR > 1 { print $1, $3, $4 }' $D/tunables >/tmp/fuzz-knobs.$$
	while read -r name min max; do
		[ -f "$D/$name" ] || continue
		fuzz_file "$D/$name" "$min" "$max" "debugfs lags/$name"
	done </tmp/fuzz-knobs.$$
	rm -f /tmp/fuzz-knobs.$$
	r=
	for v in 0 2 -1 abc "\\n" 4294967297; do
		[ "$(try_write $D/reset "$v")" = EINVAL ] || r="$r '$v'"
	done
	tap_is "debugfs lags/reset refuses everything but 1" "$r" ""
	concurrent $D/cgroup_top 3 5 "debugfs lags/cgroup_top"
	n=0
	while ! rmmod lags 2>/dev/null && [ $n -lt 100 ]; do usleep 50000; n=$((n + 1)); done
	tap_check "lags.ko unloads after the fuzzing" sh -c "! [ -d /sys/module/lags ]"
else
	tap_skip "lags.ko debugfs files" "the module is not in the guest or did not load"
fi

# Every value is back at the dense preset.
tap_is "sysctls at the dense preset after the fuzzing" \
	"$(cat $P/sched_lags $P/sched_lags_mode $P/sched_lags_drain_budget_us $P/sched_lags_guard_us | tr '\n' ' ')" \
	"1 15 3000 50000 "
wait $load
# No worker stuck: the longest runnable wait of any worker (schedstats)
# stays bounded, though random in-range tunables (a 10 s guard, a 100 ms
# drain budget) and key flips hit the load: 5 s (1.2 s seen).
lags_wakeload_checks /tmp/fuzz-load.$$ $? "the fuzzing" 5000000
lags_dense off
lags_cgroup_remove $ROOT
rm -f /tmp/fuzz-load.$$
lags_no_splat $dmesg_mark
tap_done
