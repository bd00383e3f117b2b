#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host-side tests of scripts/vm-run: exit status and results come back,
# a failing guest command fails the run, a hung guest is killed at the
# timeout, an interrupt leaves no QEMU behind and no complete-looking
# results.  The deliberate failures live only here.
set -u
. "$(dirname "$0")/../../scripts/lib.sh"
. "$LAGS_TOP/tests/lib/tap.sh"

vm=$LAGS_TOP/scripts/vm-run
kernel=stock
[ -f "$(variant_image stock)" ] || tap_skip_all "no stock kernel built"
# A private TMPDIR marks the QEMU processes of this test.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lags-harness.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
qemus() { pgrep -f "qemu-system-x86_64.*$tmp" | wc -l; }

TMPDIR=$tmp "$vm" --kernel $kernel --results "$tmp/ok" -- sh -c 'echo hello >/results/greeting' >"$tmp/log" 2>&1
tap_is "a passing guest command gives exit 0" "$?" 0
tap_is "its results come back" "$(cat "$tmp/ok/greeting" 2>/dev/null)" hello
tap_check "the guest's kernel log comes back" grep -q 'Linux version' "$tmp/ok/.dmesg"

TMPDIR=$tmp "$vm" --kernel $kernel --results "$tmp/fail" -- sh -c 'echo partial >/results/x; exit 7' >"$tmp/log" 2>&1
tap_is "a failing guest command fails the run with its status" "$?" 7

"$vm" --kernel $kernel --smp 0 -- true >"$tmp/log" 2>&1
tap_is "a bad option is refused" "$?" 1
tap_check "with a message" grep -q -- '--smp must be' "$tmp/log"

"$vm" --kernel $kernel --add "$tmp/no-such-file" -- true >"$tmp/log" 2>&1
tap_is "--add of a missing file is refused" "$?" 1
tap_check "naming the file" grep -q -- "--add: no file '$tmp/no-such-file'" "$tmp/log"

# The timeout counts from the boot, after the initramfs and module are
# prepared (which takes long on a loaded machine): measure from there.
TMPDIR=$tmp "$vm" --kernel $kernel --timeout 20 --results "$tmp/hung" -- sleep 100000 >"$tmp/log" 2>&1 &
pid=$!
while kill -0 $pid 2>/dev/null && ! grep -q 'booting' "$tmp/log"; do sleep 0.2; done
t0=$(now)
wait $pid
rc=$?
t1=$(now)
tap_is "a hung guest is killed at the timeout (exit 124)" "$rc" 124
tap_le "within the timeout plus 15 s of booting" $((t1 - t0)) 35
tap_is "no QEMU left after the timeout" "$(qemus)" 0
tap_check "no complete-looking results after the timeout" test ! -e "$tmp/hung"
tap_check "the partial output is kept as .incomplete" test -f "$tmp/hung.incomplete/console.log"

# Interrupt: job control gives the background run its own process group,
# so that SIGINT reaches it as a Ctrl-C would.  env --default-signal
# undoes an ignored SIGINT inherited from whoever started make check in
# the background (a shell without job control starts "cmd &" with SIGINT
# ignored, and bash cannot trap a signal ignored on entry: vm-run would
# then run into its timeout, 124, instead of exiting 130).
set -m
TMPDIR=$tmp env --default-signal=INT "$vm" --kernel $kernel --timeout 300 --results "$tmp/int" -- sleep 100000 >"$tmp/log" 2>&1 &
pid=$!
set +m
i=0
while [ $i -lt 60 ] && ! grep -q 'booting' "$tmp/log"; do sleep 1; i=$((i + 1)); done
sleep 5
tap_is "QEMU runs before the interrupt" "$(qemus)" 1
kill -INT $pid
wait $pid
tap_is "an interrupted run exits 130" "$?" 130
sleep 1
tap_is "no QEMU left after the interrupt" "$(qemus)" 0
tap_check "no complete-looking results after the interrupt" test ! -e "$tmp/int"
tap_done
