# SPDX-License-Identifier: GPL-2.0
#
# TAP helpers for test scripts (POSIX sh; busybox sh in the guest).
#
#   . "$(dirname "$0")/../lib/tap.sh"
#   tap_check "sysctl exists" test -e /proc/sys/kernel/sched_lags
#   tap_is "old value kept" "$(cat f)" 3
#   tap_ok "wait below bound" [ "$wait" -le "$bound" ]   (any command)
#   tap_skip "needs the patched kernel" "cpu.lags absent"
#   tap_todo STATUS DESC REASON   a known bug, tracked by an issue: reported
#                       (ok or not ok with "# TODO REASON") but not a
#                       failure; tests/summary counts and lists it
#   tap_done            prints the plan; exit 1 if anything failed
#
# A test that cannot run at all calls tap_skip_all REASON.

TAP_N=0
TAP_FAILED=0

tap_diag() { printf '# %s\n' "$*"; }

tap_result() {	# tap_result STATUS DESC
	TAP_N=$((TAP_N + 1))
	if [ "$1" -eq 0 ]; then
		printf 'ok %d - %s\n' "$TAP_N" "$2"
	else
		printf 'not ok %d - %s\n' "$TAP_N" "$2"
		TAP_FAILED=$((TAP_FAILED + 1))
	fi
}

# tap_todo STATUS DESC REASON: like tap_result, marked as a known bug
# (TAP's TODO directive): a failure here does not fail the run.
tap_todo() {
	TAP_N=$((TAP_N + 1))
	if [ "$1" -eq 0 ]; then
		printf 'ok %d - %s # TODO %s\n' "$TAP_N" "$2" "$3"
	else
		printf 'not ok %d - %s # TODO %s\n' "$TAP_N" "$2" "$3"
	fi
}

# tap_check DESC CMD [ARG...]: ok when CMD exits 0; its output is shown
# as diagnostics when it fails.
tap_check() {
	_tap_desc=$1
	shift
	if _tap_out=$("$@" 2>&1); then
		tap_result 0 "$_tap_desc"
	else
		tap_result 1 "$_tap_desc"
		[ -n "$_tap_out" ] && printf '%s\n' "$_tap_out" | sed 's/^/#   /'
	fi
}
tap_ok() { tap_check "$@"; }

# tap_is DESC GOT WANT
tap_is() {
	if [ "$2" = "$3" ]; then
		tap_result 0 "$1"
	else
		tap_result 1 "$1"
		tap_diag "  got: '$2'"
		tap_diag "  want: '$3'"
	fi
}

# tap_int DESC A OP B: ok when the integer comparison "A OP B" holds
# (OP is a test(1) operator: -lt -le -eq -ge -gt -ne).
tap_int() {
	if [ "$2" "$3" "$4" ] 2>/dev/null; then
		tap_result 0 "$1"
	else
		tap_result 1 "$1"
		tap_diag "  not: $2 $3 $4"
	fi
}
tap_le() { tap_int "$1" "$2" -le "$3"; }
tap_lt() { tap_int "$1" "$2" -lt "$3"; }

tap_skip() {
	TAP_N=$((TAP_N + 1))
	printf 'ok %d - %s # SKIP %s\n' "$TAP_N" "$1" "$2"
}

tap_skip_all() {
	printf '1..0 # SKIP %s\n' "$*"
	exit 0
}

tap_done() {
	printf '1..%d\n' "$TAP_N"
	[ "$TAP_FAILED" -eq 0 ]
}
