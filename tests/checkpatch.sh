#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# checkpatch.pl --strict on every patch of the series and on every module
# source file, one TAP result each.  Uses the checkpatch.pl of the stock
# kernel tree (scripts/kernel-source stock).
set -u
. "$(dirname "$0")/../scripts/lib.sh"

src=$(variant_src stock)
cp=$src/scripts/checkpatch.pl
[ -f "$cp" ] || { echo "1..0 # SKIP no kernel tree with checkpatch.pl (run scripts/kernel-source stock)"; exit 0; }
n=0 fail=0
check() {	# check DESC ARGS...
	local desc=$1 out
	shift
	n=$((n + 1))
	if out=$(cd "$src" && perl "$cp" --strict --quiet --no-summary --color=never "$@" 2>&1) &&
	   ! printf '%s' "$out" | grep -q '^\(ERROR\|WARNING\|CHECK\)'; then
		echo "ok $n - checkpatch --strict: $desc"
	else
		echo "not ok $n - checkpatch --strict: $desc"
		printf '%s\n' "$out" | head -n 40 | sed 's/^/#   /'
		fail=$((fail + 1))
	fi
}
for p in "$LAGS_TOP"/patches/[0-9]*.patch; do
	[ -f "$p" ] || continue
	case $(basename "$p") in 0000-*) continue ;; esac
	check "patches/$(basename "$p")" "$p"
done
for f in "$LAGS_TOP"/module/*.[ch]; do
	[ -f "$f" ] || continue
	check "module/$(basename "$f")" --no-tree --file "$f"
done
[ $n -eq 0 ] && echo "ok 1 - checkpatch: nothing to check yet # SKIP no patches and no module sources" && n=1
echo "1..$n"
[ $fail -eq 0 ]
