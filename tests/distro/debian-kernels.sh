#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lags.ko on Debian's own kernels (Documentation/module.rst, "On Debian's
# kernels"): for debian-6.12 (linux-image-6.12-amd64) and debian-6.1
# (bookworm's linux-image-amd64), scripts/debian-kernel fetches the image
# and headers packages, DKMS builds the module against the headers
# (scripts/module-build), its vermagic must be the kernel's release, and
# the kernel boots under QEMU with our initramfs (vm-run --kernel
# debian-*) to run the module suite, tests/guest/run 'module-*', whose
# results are repeated here with the kernel's name in front.
#
#   LAGS_DEBIAN_KERNELS   kernels to test (default "debian-6.12 debian-6.1")
#   LAGS_DEBIAN_STRESS_SECS  load/unload stress per kernel, seconds
#                         (default 30, at least 20 cycles; make
#                         distro-module passes 100, the stock suite's)
#
# Needs the network the first time (apt-get download, about 200 MB);
# skipped when dkms is not installed.  Run by make distro-module, not by
# make check (its 4 minutes warm would lengthen make check's critical
# path; tests/distro/ holds the tests of the distro-* targets).
#
set -u
. "$(dirname "$0")/../../scripts/lib.sh"
. "$LAGS_TOP/tests/lib/tap.sh"

command -v dkms >/dev/null || tap_skip_all "dkms not installed (scripts/deps installs it)"
kernels=${LAGS_DEBIAN_KERNELS:-$LAGS_DEBIAN_VARIANTS}
secs=${LAGS_DEBIAN_STRESS_SECS:-30}
min=20
[ "$secs" -ge 100 ] && min=100

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lags-debian.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# step_ok DESC RC LOG N: TAP result of a step that exited RC, with the
# last N lines of LOG as diagnostics when it failed.  Returns RC.
step_ok() {
	tap_is "$1" "$2" 0
	[ "$2" -eq 0 ] || tail -n "$4" "$3" | sed 's/^/# /'
	return "$2"
}

for k in $kernels; do
	t0=$(now)
	kdir=$("$LAGS_TOP/scripts/debian-kernel" "$k" 2>"$tmp/$k-fetch.log")
	step_ok "$k: the image and headers packages are fetched and unpacked" $? "$tmp/$k-fetch.log" 5 ||
		continue
	rel=$(cat "$kdir/release")
	tap_diag "$k: $(tr '\n' ' ' <"$kdir/packages")"
	ko=$("$LAGS_TOP/scripts/module-build" "$k" 2>"$tmp/$k-build.log")
	step_ok "$k: dkms builds lags.ko against linux-headers-$rel" $? "$tmp/$k-build.log" 20 || continue
	tap_is "$k: its vermagic names the kernel release" \
		"$(modinfo -F vermagic "$ko" 2>/dev/null | awk '{ print $1 }')" "$rel"
	tap_check "$k: the image has the guest's modules (virtio_blk)" \
		grep -qx virtio_blk.ko "$kdir/guest-modules/order"

	"$LAGS_TOP/scripts/vm-run" --kernel "$k" --single-thread --smp 2 --mem 2G --timeout 1500 \
		--results "$tmp/$k" -- env LAGS_STRESS_SECS="$secs" LAGS_STRESS_MIN="$min" \
		/lags/tests/guest/run 'module-*' >"$tmp/$k-vm.log" 2>&1
	step_ok "$k: the module suite ran in the booted kernel (vm-run exit 0)" $? "$tmp/$k-vm.log" 10
	tap_is "$k: the guest ran $rel" \
		"$(sed -n 's/.* kernel (\([^,]*\), .*/\1/p' "$tmp/$k/guest.tap" 2>/dev/null | head -n 1)" "$rel"
	n=0
	if [ -f "$tmp/$k/guest.tap" ]; then
		while IFS= read -r line; do
			case $line in
			"not ok"*) tap_result 1 "$k: ${line#not ok* - }" ;;
			ok*) tap_result 0 "$k: ${line#ok* - }"; n=$((n + 1)) ;;
			"# "*) printf '%s\n' "$line" ;;
			esac
		done <"$tmp/$k/guest.tap"
	fi
	# A suite that ran nothing would pass the loop above: it must not.
	tap_check "$k: the module tests ran (module-load, -cgroups, -counters, -stress)" \
		sh -c "for t in module-load module-cgroups module-counters module-stress; do
			grep -q \"^ok .* - \$t: \" '$tmp/$k/guest.tap' || { echo \"no result of \$t\"; exit 1; }; done"
	tap_diag "$k: $n guest results ok, $(human_secs $(($(now) - t0)))"
done
tap_done
