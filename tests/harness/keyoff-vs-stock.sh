#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Cross-boot check of the zero-cost-off claim: with kernel.sched_lags=0
# the patched kernel must switch like the unpatched one.  The same dense
# wakeup-driven load (lags-wakeload: 32 real cpu cgroups on 2 vCPUs,
# 2 ms requests at offered load 0.9) runs in separate boots of the stock
# kernel, the lags kernel with the key off, and the lags kernel with LAGS
# on, interleaved, three times each.  The guests run under instruction
# counting (vm-run --icount) so that the boots see the same virtual time.
# Context switches per request (/proc/stat ctxt): key off / stock must lie
# within [0.90, 1.11] (the runs of one kernel spread by about +-5%), and
# LAGS on / stock must lie below 0.90, which shows the band can tell the
# two apart.  LAGS on is mode 7 (drain, deferral, guard) here: this load's
# dispatcher is a light root-cgroup task, and with the light-waker rule
# (mode 15) LAGS rightly leaves it and the wakeups it causes at stock
# (0.85-0.93x, inside the noise of three boots).
#
# LAGS_KEYOFF_KERNELS="STOCK LAGS" compares another pair of variants, for
# example "stock-scx lags-scx" (both with sched_ext built in, issue 14:
# the extra options must not change the key-off cost).
set -u
. "$(dirname "$0")/../../scripts/lib.sh"
. "$LAGS_TOP/tests/lib/tap.sh"

set -- ${LAGS_KEYOFF_KERNELS:-stock lags}
kstock=$1 klags=$2
[ -f "$(variant_image "$kstock")" ] || tap_skip_all "no $kstock kernel built"
if [ "$klags" = lags ]; then
	patched_image_built || tap_skip_all "no patched lags kernel built"
else
	[ -f "$(variant_image "$klags")" ] || tap_skip_all "no $klags kernel built"
fi
[ -x "$LAGS_BUILD/selftests/bin/lags-wakeload" ] || tap_skip_all "lags-wakeload not built (scripts/selftests-build)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lags-keyoff.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# run KERNEL LAGS(0/1|-) [MODE] -> prints ctxt per request x 1000
run() {
	local set=
	[ "$2" != - ] && set="echo $2 >/proc/sys/kernel/sched_lags;"
	[ -n "${3:-}" ] && set="echo $3 >/proc/sys/kernel/sched_lags_mode; $set"
	"$LAGS_TOP/scripts/vm-run" --kernel "$1" --icount 3 --timeout 600 --results "$tmp/r" -- \
		sh -c "echo +cpu >/sys/fs/cgroup/cgroup.subtree_control; $set lags-wakeload --groups 32 --seconds 4 --load 0.9" \
		>"$tmp/log" 2>&1 || { echo "vm-run failed: $(tail -n 3 "$tmp/log")" >&2; return 1; }
	rm -rf "$tmp/r"
	sed -n 's/^requests=\([0-9]*\) .* ctxt=\([0-9]*\) .*/\2 \1/p' "$tmp/log" |
		awk '$2 > 0 { printf "%d\n", $1 * 1000 / $2 }'
}
median3() { printf '%s\n' "$@" | sort -n | sed -n 2p; }

s= off= on=
for i in 1 2 3; do
	s="$s $(run "$kstock" -)"
	off="$off $(run "$klags" 0)"
	on="$on $(run "$klags" 1 7)"
done
# shellcheck disable=SC2086
set -- $s; [ $# -eq 3 ] || tap_skip_all "runs failed: stock [$s]"
ms=$(median3 $s)
# shellcheck disable=SC2086
moff=$(median3 $off) mon=$(median3 $on)
tap_diag "ctxt per request x1000: $kstock [$s ] $klags key off [$off ] LAGS on [$on ]"
tap_result $([ -n "$moff" ] && [ $((moff * 100)) -ge $((ms * 90)) ] && [ $((moff * 100)) -le $((ms * 111)) ]; echo $?) \
	"$klags key off switches like the unpatched $kstock (median $moff vs $ms per 1000 requests, band 0.90..1.11)"
tap_result $([ -n "$mon" ] && [ $((mon * 100)) -lt $((ms * 90)) ]; echo $?) \
	"LAGS on switches less (median $mon vs $ms per 1000 requests, < 0.90): the band discriminates"
tap_done
