#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# module/dkms.conf works: DKMS adds, builds and removes lags.ko for the
# lags kernel (in private DKMS trees, so the host's /usr/src and
# /var/lib/dkms stay untouched), the module it built carries the
# kernel's release, and it loads in a booted lags kernel in patched mode.
# "dkms install" is not run: it needs the kernel installed under
# /lib/modules, which this host does not have; it only copies the module
# built here and runs depmod.
set -u
. "$(dirname "$0")/../../scripts/lib.sh"
. "$LAGS_TOP/tests/lib/tap.sh"

command -v dkms >/dev/null || tap_skip_all "dkms not installed (scripts/deps installs it)"
obj=$(variant_obj lags)
[ -f "$(variant_image lags)" ] && [ -f "$obj/Module.symvers" ] || tap_skip_all "no lags kernel built"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lags-dkms.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
name=$(sed -n 's/^PACKAGE_NAME="\(.*\)"/\1/p' "$LAGS_TOP/module/dkms.conf")
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$LAGS_TOP/module/dkms.conf")
tap_is "dkms.conf names the package lags" "$name" lags
kver=$(make -s -C "$(variant_src lags)" O="$obj" kernelrelease 2>/dev/null)
tap_check "the lags kernel has a release ($kver)" test -n "$kver"

mkdir -p "$tmp/src/$name-$ver" "$tmp/tree"
cp "$LAGS_TOP"/module/Kbuild "$LAGS_TOP"/module/Makefile "$LAGS_TOP"/module/dkms.conf \
	"$LAGS_TOP"/module/*.[ch] "$tmp/src/$name-$ver/"
trees=(--sourcetree "$tmp/src" --dkmstree "$tmp/tree")

tap_check "dkms add" dkms add -m "$name" -v "$ver" "${trees[@]}"
dkms build -m "$name" -v "$ver" -k "$kver" --kernelsourcedir "$obj" "${trees[@]}" >"$tmp/build.log" 2>&1
rc=$?
tap_is "dkms build against the lags kernel" "$rc" 0
[ $rc -eq 0 ] || sed 's/^/# /' "$tmp/build.log" | tail -n 20
ko=$(find "$tmp/tree/$name/$ver/$kver" -name 'lags.ko*' 2>/dev/null | head -n 1)
tap_check "DKMS built lags.ko" test -n "$ko"
tap_is "its vermagic names the kernel release" \
	"$(modinfo -F vermagic "${ko:-/nonexistent}" 2>/dev/null | awk '{ print $1 }')" "$kver"
tap_check "dkms status says built" sh -c "dkms status ${trees[*]} | grep -q '$name/$ver, $kver, .*: built'"

if [ -n "$ko" ]; then
	"$LAGS_TOP/scripts/vm-run" --kernel lags --single-thread --timeout 600 --add "$ko" --results "$tmp/r" -- \
		sh -c 'insmod /lags/add/lags.ko && cat /sys/kernel/debug/lags/mode >/results/mode && rmmod lags' \
		>"$tmp/vm.log" 2>&1
	rc=$?
	tap_is "the DKMS-built module loads and unloads in the lags kernel" "$rc" 0
	tap_is "and runs in patched mode" "$(cat "$tmp/r/mode" 2>/dev/null)" patched
	[ $rc -eq 0 ] || tail -n 5 "$tmp/vm.log" | sed 's/^/# /'
else
	tap_skip "the DKMS-built module loads in the lags kernel" "nothing built"
fi

tap_check "dkms remove" dkms remove -m "$name" -v "$ver" --all "${trees[@]}"
tap_is "nothing left in the DKMS tree" "$(find "$tmp/tree" -mindepth 1 | head -n 3)" ""
tap_done
