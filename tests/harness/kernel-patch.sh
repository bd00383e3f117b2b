#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/kernel-patch on a small fake tree in a private LAGS_BUILD:
# a series applies, a re-run is a no-op, a changed series restores what
# the old one touched, an empty series gives the stock tree back, and a
# patch that does not apply stops the run naming the patch, file and hunk.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/tap.sh"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lags-kpatch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export LAGS_BUILD=$tmp/build
stock=$LAGS_BUILD/stock/src lags=$LAGS_BUILD/lags/src
mkdir -p "$stock/kernel/sched" "$tmp/p"
printf 'one\ntwo\nthree\n' >"$stock/kernel/sched/fair.c"
echo "fake" >"$stock/.lags-origin"
mkdir -p "$(dirname "$lags")"
cp -a "$stock" "$lags"
kp() { SERIES=$tmp/p/series "$top/scripts/kernel-patch" lags >"$tmp/log" 2>&1; }

cat >"$tmp/p/0001-two.patch" <<'P'
--- a/kernel/sched/fair.c
+++ b/kernel/sched/fair.c
@@ -1,3 +1,3 @@
 one
-two
+TWO
 three
P
cat >"$tmp/p/0002-new.patch" <<'P'
--- /dev/null
+++ b/include/linux/sched/new.h
@@ -0,0 +1 @@
+new
P
printf '# test series\n0001-two.patch\n0002-new.patch\n' >"$tmp/p/series"
kp
tap_is "a good series applies" "$?" 0
tap_is "the patched line is there" "$(sed -n 2p "$lags/kernel/sched/fair.c")" TWO
tap_check "a new file is created" test -f "$lags/include/linux/sched/new.h"
touch -d '2001-01-01' "$lags/kernel/sched/fair.c"
kp
tap_is "an unchanged series is a no-op" "$(stat -c %Y "$lags/kernel/sched/fair.c")" "$(date -d 2001-01-01 +%s)"

printf '0001-two.patch\n' >"$tmp/p/series"
kp
tap_check "a shorter series removes the file the old one created" test ! -e "$lags/include/linux/sched/new.h"
tap_is "and keeps what it still patches" "$(sed -n 2p "$lags/kernel/sched/fair.c")" TWO
tap_check "a restored file gets a new mtime (make rebuilds it)" \
	test "$(stat -c %Y "$lags/kernel/sched/fair.c")" -gt "$(date -d 2001-01-01 +%s)"

: >"$tmp/p/series"
kp
tap_check "an empty series gives the stock tree" cmp "$stock/kernel/sched/fair.c" "$lags/kernel/sched/fair.c"

cat >"$tmp/p/0003-bad.patch" <<'P'
--- a/kernel/sched/fair.c
+++ b/kernel/sched/fair.c
@@ -1,3 +1,3 @@
 one
-deux
+DEUX
 three
P
printf '0001-two.patch\n0003-bad.patch\n' >"$tmp/p/series"
kp
tap_is "a patch that does not apply fails the run" "$?" 1
tap_check "the message names the patch" grep -q '0003-bad.patch' "$tmp/log"
tap_check "the message names the file" grep -q 'kernel/sched/fair.c' "$tmp/log"
tap_check "the message names the failed hunk" grep -q 'Hunk #1 FAILED' "$tmp/log"
printf 'missing.patch\n' >"$tmp/p/series"
kp
tap_check "a series naming a missing patch is refused" grep -q 'missing.patch, which is not in' "$tmp/log"
tap_done
