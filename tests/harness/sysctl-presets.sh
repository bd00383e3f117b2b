#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The sysctl.d presets in sysctl/ apply cleanly to the lags kernel: in
# one boot, each preset is loaded with "sysctl -p FILE" (what
# systemd-sysctl and procps do at boot), must succeed, and every key it
# sets must read back with its value; LAGS is switched off again between
# presets.  Also checks the order: a preset that turns LAGS on sets
# kernel.sched_lags last (after its tunables), one that turns it off sets
# it first.
set -u
. "$(dirname "$0")/../../scripts/lib.sh"
. "$LAGS_TOP/tests/lib/tap.sh"

patched_image_built || tap_skip_all "no patched lags kernel built"
presets=("$LAGS_TOP"/sysctl/*.conf)
[ -f "${presets[0]}" ] || tap_skip_all "no presets in sysctl/"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lags-presets.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

for f in "${presets[@]}"; do
	lines=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' -e 's/[[:space:]]*=[[:space:]]*/ /' "$f")
	on=$(echo "$lines" | awk '$1 == "kernel.sched_lags" { print $2 }')
	if [ "$on" = 1 ]; then
		tap_is "$(basename "$f"): turns LAGS on last" "$(echo "$lines" | tail -n 1)" "kernel.sched_lags 1"
	else
		tap_is "$(basename "$f"): turns LAGS off first" "$(echo "$lines" | head -n 1)" "kernel.sched_lags 0"
	fi
done

adds=()
for f in "${presets[@]}"; do adds+=(--add "$f"); done
# In the guest: per preset, "applied NAME RC" and "key NAME KEY WANT GOT".
"$LAGS_TOP/scripts/vm-run" --kernel lags --single-thread --timeout 600 "${adds[@]}" --results "$tmp/r" -- sh -c '
	for f in /lags/add/*.conf; do
		n=${f##*/}
		sysctl -p "$f" >/dev/null 2>/results/err-$n
		echo "applied $n $?"
		sed -e "s/#.*//" -e "/^[[:space:]]*$/d" -e "s/[[:space:]]*=[[:space:]]*/ /" "$f" |
		while read -r k v; do
			echo "key $n $k $v $(cat /proc/sys/$(echo $k | tr . /) 2>/dev/null || echo missing)"
		done
		echo 0 >/proc/sys/kernel/sched_lags
	done >/results/presets.txt' >"$tmp/log" 2>&1
rc=$?
tap_is "the guest run succeeded" "$rc" 0
[ $rc -eq 0 ] || { tail -n 5 "$tmp/log" | sed 's/^/# /'; tap_done; exit; }

for f in "${presets[@]}"; do
	n=$(basename "$f")
	tap_is "$n: sysctl -p succeeds" "$(awk -v n="$n" '$1 == "applied" && $2 == n { print $3 }' "$tmp/r/presets.txt")" 0
	nkeys=$(awk -v n="$n" '$1 == "key" && $2 == n' "$tmp/r/presets.txt" | wc -l)
	bad=$(awk -v n="$n" '$1 == "key" && $2 == n && $4 != $5 { print $3 "=" $5 " (want " $4 ")" }' "$tmp/r/presets.txt")
	tap_check "$n: sets at least one key" test "$nkeys" -gt 0
	tap_is "$n: every key reads back its value" "$bad" ""
done
tap_done
