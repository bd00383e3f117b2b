# SPDX-License-Identifier: GPL-2.0
#
# lags-common: sourced by lags-ab, lags-capacity and lags-study (POSIX
# sh) after they set $prog and $here.  Messages in one format, and the
# benchmark binaries found beside the script or on PATH.

say() { printf '[%s] %s\n' "$prog" "$*" >&2; }
die() { printf '[%s] error: %s\n' "$prog" "$*" >&2; exit 1; }

# find_tool NAME: print the path of NAME, installed beside this script
# or on PATH; die when it is nowhere.
find_tool() {
	if [ -x "$here/$1" ]; then
		echo "$here/$1"
	else
		command -v "$1" || die "$1 not found"
	fi
}

# out_dir DIR NAME: print DIR, or by default /results/NAME in a test
# guest and ./lags-NAME-TIME elsewhere; the directory is created.
out_dir() {
	_dir=$1
	if [ -z "$_dir" ]; then
		if [ -d /results ]; then
			_dir=/results/$2
		else
			_dir=./lags-$2-$(date +%Y%m%d-%H%M%S)
		fi
	fi
	mkdir -p "$_dir" || die "cannot create $_dir"
	echo "$_dir"
}
