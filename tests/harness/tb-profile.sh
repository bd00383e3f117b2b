#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench/tb-profile (the counter behind scripts/insn-profile) on a small
# QEMU log written the way "-d exec,nochain,in_asm" writes it: each block
# counted with its latest translation, static functions of one name
# summed, blocks below the first symbol as "?", data symbols ignored; a
# missing System.map or log is an error with a message.  Also the argument
# checks of scripts/insn-profile, which need no guest.
set -u
. "$(dirname "$0")/../../scripts/lib.sh"
. "$LAGS_TOP/tests/lib/tap.sh"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lags-tbprof.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
make -s -C "$LAGS_TOP/bench" O="$tmp/bench" "$tmp/bench/bin/tb-profile" >"$tmp/make.log" 2>&1 ||
	tap_skip_all "tb-profile does not build: $(tail -n 3 "$tmp/make.log")"
prof=$tmp/bench/bin/tb-profile

cat >"$tmp/System.map" <<'EOF'
ffffffff81000100 T pick_task_fair
ffffffff81000200 t helper
ffffffff81000280 D some_data
ffffffff81000300 t helper
ffffffff81000400 W weak_fn
EOF
# pick_task_fair: a 3-instruction block run twice, then a second
# translation at the same address (2 instructions, as QEMU makes for I/O
# under -icount) run once, then the first one again (3 + 3 + 2 + 3 = 11
# in 4 starts: sizes go by translation, QEMU's host address); helper
# (two files): 1 instruction at ..210, 2 at ..300, run 1 + 2 times
# (1 + 4 = 5); the block at ..290 lies past the data symbol, still
# helper's (2 instructions, once); ..050 is below every symbol (1, once);
# weak_fn 4 once, then once more by a translation printed before the log
# began, which takes the latest size at its address (8 in 2); a block
# translated but never run counts nothing.
cat >"$tmp/log" <<'EOF'
----------------
IN: 
0xffffffff81000100:  f3 0f 1e fa              endbr64  
0xffffffff81000104:  48 89 f8                 movq     %rdi, %rax
0xffffffff81000107:  c3                       retq     

Trace 0: 0x7f0000000100 [0000000000000000/ffffffff81000100/0000c290/ff020200] 
Trace 0: 0x7f0000000100 [0000000000000000/ffffffff81000100/0000c290/ff020200] 
----------------
IN: 
0xffffffff81000210:  c3                       retq     

Trace 0: 0x7f0000000200 [0000000000000000/ffffffff81000210/0000c290/ff020200] 
----------------
IN: 
0xffffffff81000300:  90                       nop      
0xffffffff81000301:  c3                       retq     

Trace 0: 0x7f0000000300 [0000000000000000/ffffffff81000300/0000c290/ff020200] 
Trace 0: 0x7f0000000300 [0000000000000000/ffffffff81000300/0000c290/ff020200] 
----------------
IN: 
0xffffffff81000290:  90                       nop      
0xffffffff81000291:  c3                       retq     

Trace 0: 0x7f0000000290 [0000000000000000/ffffffff81000290/0000c290/ff020200] 
----------------
IN: 
0xffffffff81000100:  f3 0f 1e fa              endbr64  
0xffffffff81000104:  c3                       retq     

Trace 0: 0x7f0000000400 [0000000000000000/ffffffff81000100/0000c290/ff020200] 
Trace 0: 0x7f0000000100 [0000000000000000/ffffffff81000100/0000c290/ff020200] 
----------------
IN: 
0xffffffff81000050:  c3                       retq     

Trace 0: 0x7f0000000500 [0000000000000000/ffffffff81000050/0000c290/ff020200] 
----------------
IN: 
0xffffffff81000400:  90                       nop      
0xffffffff81000401:  90                       nop      
0xffffffff81000402:  90                       nop      
0xffffffff81000403:  c3                       retq     

Trace 0: 0x7f0000000600 [0000000000000000/ffffffff81000400/0000c290/ff020200] 
Trace 0: 0x7f0000000999 [0000000000000000/ffffffff81000400/0000c290/ff020200] 
----------------
IN: 
0xffffffff81000500:  c3                       retq     

EOF
want=$(printf '%s\t%s\t%s\n' '?' 1 1 helper 7 4 pick_task_fair 11 4 weak_fn 8 2)
tap_is "per function: instructions and block starts" "$("$prof" "$tmp/System.map" "$tmp/log")" "$want"
tap_is "reads the log from standard input too" "$("$prof" "$tmp/System.map" <"$tmp/log")" "$want"

"$prof" "$tmp/nosuch.map" "$tmp/log" >/dev/null 2>"$tmp/err"
rc=$?
tap_result $([ "$rc" -eq 1 ] && grep -q 'nosuch.map' "$tmp/err"; echo $?) \
	"a missing System.map: exit 1 and its name ($rc: $(cat "$tmp/err"))"
"$prof" "$tmp/log" "$tmp/log" >/dev/null 2>"$tmp/err"
rc=$?
tap_result $([ "$rc" -eq 1 ] && grep -q 'no text symbols' "$tmp/err"; echo $?) \
	"a file that is no System.map: exit 1, says so ($rc: $(cat "$tmp/err"))"
"$prof" "$tmp/System.map" "$tmp/nosuch.log" >/dev/null 2>"$tmp/err"
rc=$?
tap_result $([ "$rc" -eq 1 ] && grep -q 'nosuch.log' "$tmp/err"; echo $?) \
	"a missing log: exit 1 and its name ($rc: $(cat "$tmp/err"))"

# insn-profile refuses bad arguments before it boots anything.
ip=$LAGS_TOP/scripts/insn-profile
for args in "--loops 5 lags" "--loops 3,2 lags" "--loops 1,2,3 lags" "--lags 2 lags" \
	"--min x lags" "lags lags" "nosuch" ""; do
	# shellcheck disable=SC2086
	"$ip" $args >/dev/null 2>"$tmp/err"
	rc=$?
	tap_result $([ "$rc" -ne 0 ] && [ -s "$tmp/err" ]; echo $?) \
		"insn-profile ${args:-(no kernel)}: refused with a message ($rc: $(head -n 1 "$tmp/err"))"
done
tap_done
