# SPDX-License-Identifier: GPL-2.0
#
# Shared helpers for the lags scripts.  Sourced, never run.
#
# Everything built goes below LAGS_BUILD (default: ~/.cache/lags), outside
# the git tree, so a fresh clone reuses the kernel objects and ccache of
# an earlier run on the same machine.

LAGS_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LAGS_BUILD=${LAGS_BUILD:-${XDG_CACHE_HOME:-$HOME/.cache}/lags}
# The kernel the series is based on; see patches/0000-cover-letter.patch.
LAGS_KVER=6.12
LAGS_KTARBALL=${LAGS_KTARBALL:-/usr/src/linux-source-$LAGS_KVER.tar.xz}
LAGS_VARIANTS="stock lags lags-debug stock-scx lags-scx lags-distro"
# Debian's own kernel configurations (package linux-config-$LAGS_KVER):
# lags-distro starts from the amd64 one instead of tinyconfig.
LAGS_DEBIAN_CONFIGS=/usr/src/linux-config-$LAGS_KVER
# Debian's own kernels (scripts/debian-kernel): the module is built with
# DKMS against their headers packages and runs observe-only there.
LAGS_DEBIAN_VARIANTS="debian-6.12 debian-6.1"
debian_variant() { case " $LAGS_DEBIAN_VARIANTS " in *" $1 "*) return 0 ;; esac; return 1; }

lags_prog=$(basename "$0")

say()  { printf '[%s] %s\n' "$lags_prog" "$*" >&2; }
die()  { printf '[%s] error: %s\n' "$lags_prog" "$*" >&2; exit 1; }

# Seconds since the epoch, and a duration in human form.
now()  { date +%s; }
human_secs() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

# Source tree and object directory of a kernel variant.  The object
# directory sits beside its tree as ../obj*, so the relative include
# paths are the same for every variant and ccache (CCACHE_BASEDIR) hits
# across them.
variant_check() {
	case " $LAGS_VARIANTS " in
	*" $1 "*) ;;
	*) die "unknown kernel variant '$1' (one of: $LAGS_VARIANTS)";;
	esac
}
variant_tree() {
	case $1 in
	stock|stock-scx) echo "$LAGS_BUILD/stock" ;;
	*) echo "$LAGS_BUILD/lags" ;;
	esac
}
variant_src() { echo "$(variant_tree "$1")/src"; }
variant_obj() {
	case $1 in
	lags-debug) echo "$(variant_tree "$1")/obj-debug" ;;
	lags-distro) echo "$(variant_tree "$1")/obj-distro" ;;
	*-scx) echo "$(variant_tree "$1")/obj-scx" ;;
	*) echo "$(variant_tree "$1")/obj" ;;
	esac
}
variant_patched() { [ "$(variant_tree "$1")" != "$LAGS_BUILD/stock" ]; }

# The configuration a variant starts from: "tinyconfig", or the path of
# Debian's amd64 config (xz) for lags-distro.
variant_base_config() {
	case $1 in
	lags-distro) echo "$LAGS_DEBIAN_CONFIGS/config.amd64_none_amd64.xz" ;;
	*) echo tinyconfig ;;
	esac
}

# Config fragments merged for a variant, in order.
variant_fragments() {
	if [ "$1" = lags-distro ]; then
		echo "$LAGS_TOP/kconfig/distro.config"
		return 0
	fi
	echo "$LAGS_TOP/kconfig/lags.config"
	[ "$1" = lags-debug ] && echo "$LAGS_TOP/kconfig/debug.config"
	# lags-debug carries sched_ext too, so that make check can load
	# scx_flatcg (tests/guest/scx-flatcg.sh) without a fourth kernel.
	case $1 in *-scx|lags-debug) echo "$LAGS_TOP/kconfig/scx.config" ;; esac
	return 0
}

# The kernel image of a variant.
variant_image() { echo "$(variant_obj "$1")/arch/x86/boot/bzImage"; }

# Is a lags kernel built that carries the series?  (With an empty series
# it is the stock kernel again.)
patched_image_built() {
	[ -f "$(variant_image lags)" ] && ! cmp -s "$(variant_image stock)" "$(variant_image lags)"
}

# tap_step FILE DESC CMD...: run CMD; one TAP line for it, without a
# number, appended to FILE.  Returns CMD's status.
tap_step() {
	local file=$1 desc=$2 rc
	shift 2
	"$@"
	rc=$?
	if [ $rc -eq 0 ]; then
		echo "ok - $desc" >>"$file"
	else
		echo "not ok - $desc (exit $rc)" >>"$file"
	fi
	return $rc
}

# guest_suite_tap VARIANT RESULTS TAP TIMEOUT: boot VARIANT (2 vCPUs,
# 2 GiB, one TCG thread: multi-threaded TCG in QEMU 7.2 has crashed
# guests on the static key and tracepoint flips the suites do on
# purpose), run tests/guest/run there with its results in RESULTS, and
# append its TAP to TAP; a failed run that reported no "not ok", or left
# no results, adds one.
guest_suite_tap() {
	local v=$1 res=$2 tap=$3 timeout=$4 rc
	"$LAGS_TOP/scripts/vm-run" --kernel "$v" --single-thread --smp 2 --mem 2G --timeout "$timeout" \
		--results "$res" -- /lags/tests/guest/run
	rc=$?
	if [ -f "$res/guest.tap" ]; then
		cat "$res/guest.tap" >>"$tap"
		[ $rc -eq 0 ] || grep -q '^not ok' "$tap" ||
			echo "not ok - guest suite on $v: exit $rc" >>"$tap"
	else
		echo "not ok - guest suite on $v: no results (vm-run exit $rc, see $res.incomplete)" >>"$tap"
	fi
}

# sha256 of a list of files (missing files hash as their name only).
hash_files() {
	local f
	for f in "$@"; do
		# Names relative to the checkout: another clone hashes the same.
		printf '%s\n' "${f#"$LAGS_TOP"/}"
		[ -f "$f" ] && cat "$f"
	done | sha256sum | cut -d' ' -f1
}

# Run a long command, printing a progress line every few seconds from
# the number of lines it has written so far against the number the same
# step wrote last time (kept in $2).  Full output goes to the log $1.
run_with_progress() {
	local log=$1 countfile=$2 label=$3
	shift 3
	local expect=0 start pid lines rc
	[ -f "$countfile" ] && expect=$(cat "$countfile")
	start=$(now)
	"$@" >"$log" 2>&1 &
	pid=$!
	# shellcheck disable=SC2064
	trap "kill $pid 2>/dev/null; exit 130" INT TERM
	while kill -0 "$pid" 2>/dev/null; do
		sleep 5
		kill -0 "$pid" 2>/dev/null || break
		lines=$(wc -l <"$log")
		if [ "$expect" -gt 0 ]; then
			say "$label: $lines/$expect steps ($((lines * 100 / expect))%), $(human_secs $(($(now) - start)))"
		else
			say "$label: $lines steps, $(human_secs $(($(now) - start)))"
		fi
	done
	wait "$pid"
	rc=$?
	trap - INT TERM
	if [ $rc -ne 0 ]; then
		say "$label failed (exit $rc); last lines of $log:"
		tail -n 30 "$log" >&2
		return $rc
	fi
	wc -l <"$log" >"$countfile"
	return 0
}
