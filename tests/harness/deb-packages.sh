#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Debian packages (packaging/debian, scripts/deb-build): they build
# with dpkg-buildpackage, lintian reports no error or warning, and in a
# bookworm chroot (debootstrap --variant=minbase, plus dkms and
# linux-headers-6.12-amd64) installing lags-dkms makes DKMS build and
# install lags.ko for the headers' kernel, purging it removes the module,
# the source and the DKMS entry, and lags-tools installs runnable tools
# and the presets without applying any.
#
# The prepared chroot is kept as a tar archive in $LAGS_BUILD/deb-chroot,
# named by a hash of the suite, mirrors and packages: a warm run unpacks
# it and needs no network.  The first run downloads about 150 MB.
#   LAGS_DEB_MIRROR    default http://deb.debian.org/debian
#   LAGS_DEB_SECURITY  default http://deb.debian.org/debian-security
#                      (linux-headers-6.12-amd64 is in bookworm-security)
#
# It measures nothing, so make check runs it beside the correctness
# guest suites, on the second core:
# lags-background: yes
set -u
. "$(dirname "$0")/../../scripts/lib.sh"
. "$LAGS_TOP/tests/lib/tap.sh"

[ "$(id -u)" -eq 0 ] || tap_skip_all "needs root (debootstrap, chroot)"

suite=bookworm
mirror=${LAGS_DEB_MIRROR:-http://deb.debian.org/debian}
security=${LAGS_DEB_SECURITY:-http://deb.debian.org/debian-security}
# What DKMS needs beside its own dependencies (gcc, make, kmod) is the
# headers; they pull the matching linux-image.
chroot_pkgs="dkms linux-headers-6.12-amd64"
# Bump when the preparation below changes.
chroot_rev=1
key=$(printf '%s\n' "$chroot_rev" "$suite" minbase "$mirror" "$security" "$chroot_pkgs" |
	sha256sum | cut -c1-16)
cache=$LAGS_BUILD/deb-chroot/$suite-$key.tar

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lags-deb.XXXXXX")
root=$tmp/root

# Never remove a tree with /proc mounted in it.
cleanup() {
	local p busy=
	for p in "$root/proc" "$tmp/new/proc"; do
		mountpoint -q "$p" 2>/dev/null || continue
		umount "$p" 2>/dev/null || umount -l "$p"
		mountpoint -q "$p" 2>/dev/null && busy=1
	done
	[ -n "$busy" ] || rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

in_root() {
	chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive HOME=/root "$@"
}

# prepare_chroot: debootstrap and the packages into $cache.
prepare_chroot() {
	local new=$tmp/new
	debootstrap --variant=minbase "$suite" "$new" "$mirror" >"$tmp/debootstrap.log" 2>&1 ||
		{ tail -n 20 "$tmp/debootstrap.log"; return 1; }
	cat >"$new/etc/apt/sources.list" <<-EOF
	deb $mirror $suite main
	deb $mirror $suite-updates main
	deb $security $suite-security main
	EOF
	# No service starts in the chroot.
	printf '#!/bin/sh\nexit 101\n' >"$new/usr/sbin/policy-rc.d"
	chmod 755 "$new/usr/sbin/policy-rc.d"
	mount -t proc proc "$new/proc" || return 1
	local rc=0
	root=$new in_root sh -c "apt-get update -qq &&
		apt-get install -y -qq --no-install-recommends $chroot_pkgs &&
		apt-get clean" >"$tmp/apt.log" 2>&1 || rc=$?
	umount "$new/proc" || return 1
	[ $rc -eq 0 ] || { tail -n 20 "$tmp/apt.log"; return 1; }
	mkdir -p "${cache%/*}"
	tar -C "$new" -cf "$cache.tmp" . && mv "$cache.tmp" "$cache" && rm -rf "$new"
}

start=$(now)
"$LAGS_TOP/scripts/deb-build" >"$tmp/deb-build.log" 2>&1
rc=$?
tap_is "scripts/deb-build builds the packages" "$rc" 0
[ $rc -eq 0 ] || tail -n 20 "$tmp/deb-build.log" | sed 's/^/# /'
debdir=$LAGS_BUILD/deb
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$LAGS_TOP/module/dkms.conf")
dkms_deb=$debdir/lags-dkms_${ver}_all.deb
tools_deb=$(ls "$debdir"/lags-tools_"${ver}"_*.deb 2>/dev/null | head -n 1)
tap_check "lags-dkms_${ver}_all.deb and lags-tools_${ver}_ARCH.deb exist" test -f "$dkms_deb" -a -f "$tools_deb"
if [ -f "$debdir/lintian.txt" ]; then
	tap_is "lintian: no errors or warnings" "$(grep -E '^[EW]: ' "$debdir/lintian.txt")" ""
else
	tap_result 1 "lintian: no errors or warnings (lintian did not run)"
fi
[ -f "$dkms_deb" ] && [ -f "$tools_deb" ] || { tap_diag "no packages, no chroot tests"; tap_done; exit; }
tap_diag "built and checked in $(human_secs $(($(now) - start)))"

# Presets are opt-in: nothing lands where sysctl reads at boot.
tap_is "lags-tools puts nothing in sysctl.d" \
	"$(dpkg-deb -c "$tools_deb" | grep -E '/(etc|usr/lib|lib|run)/sysctl\.d/' | awk '{ print $NF }')" ""

start=$(now)
if [ ! -f "$cache" ]; then
	tap_diag "preparing the $suite chroot (debootstrap, $chroot_pkgs) into $cache"
	prepare_chroot 2>&1 | sed 's/^/# /'
	[ -f "$cache" ] || { tap_result 1 "prepare a $suite chroot with $chroot_pkgs"; tap_done; exit; }
fi
mkdir -p "$root" && tar -C "$root" -xf "$cache"
tap_diag "chroot ready in $(human_secs $(($(now) - start)))"
mount -t proc proc "$root/proc" || { tap_result 1 "mount /proc in the chroot"; tap_done; exit; }

# build is an absolute link: look from inside.
kvers=$(in_root sh -c 'for k in /lib/modules/*; do [ -e "$k/build" ] && echo "${k##*/}"; done')
tap_is "the chroot has headers for one kernel ($kvers)" "$(echo "$kvers" | grep -c .)" 1
kver=$(echo "$kvers" | head -n 1)
case $kver in 6.12.*) ok=0 ;; *) ok=1 ;; esac
tap_result $ok "and it is a 6.12 kernel"

mkdir -p "$root/tmp/debs"
cp "$dkms_deb" "$tools_deb" "$root/tmp/debs/"
dkms_in=/tmp/debs/${dkms_deb##*/}
tools_in=/tmp/debs/${tools_deb##*/}

start=$(now)
in_root apt-get install -y --no-install-recommends "$dkms_in" >"$tmp/install.log" 2>&1
rc=$?
tap_is "apt-get install lags-dkms (DKMS builds the module)" "$rc" 0
if [ $rc -ne 0 ]; then
	tail -n 30 "$tmp/install.log" | sed 's/^/# /'
	tail -n 20 "$root/var/lib/dkms/lags/$ver/build/make.log" 2>/dev/null | sed 's/^/# make.log: /'
fi
tap_diag "installed in $(human_secs $(($(now) - start)))"
status=$(in_root dkms status 2>/dev/null)
tap_diag "dkms status: $status"
tap_check "dkms status: lags/$ver installed for $kver" \
	sh -c 'printf "%s\n" "$1" | grep -q "$2"' - "$status" "^lags/$ver, $kver, [^:]*: installed"
ko=$(find "$root/lib/modules/$kver/updates/dkms" -name 'lags.ko*' 2>/dev/null | head -n 1)
tap_check "lags.ko is in /lib/modules/$kver/updates/dkms" test -n "$ko"
tap_is "its vermagic names $kver" \
	"$(in_root modinfo -F vermagic "${ko#"$root"}" 2>/dev/null | awk '{ print $1 }')" "$kver"
tap_check "depmod knows it (modules.dep)" grep -q '^updates/dkms/lags\.ko' "$root/lib/modules/$kver/modules.dep"
tap_check "the modprobe.d example is installed" test -f "$root/usr/share/doc/lags-dkms/examples/lags.conf"

in_root apt-get purge -y lags-dkms >"$tmp/purge.log" 2>&1
rc=$?
tap_is "apt-get purge lags-dkms" "$rc" 0
[ $rc -eq 0 ] || tail -n 20 "$tmp/purge.log" | sed 's/^/# /'
tap_is "no lags.ko left below /lib/modules" "$(find "$root/lib/modules" -name 'lags.ko*')" ""
tap_is "no /usr/src/lags-* left" "$(ls -d "$root"/usr/src/lags-* 2>/dev/null)" ""
tap_is "dkms status no longer lists lags" "$(in_root dkms status 2>/dev/null | grep '^lags/')" ""
tap_check "no /var/lib/dkms/lags left" test ! -e "$root/var/lib/dkms/lags"

in_root apt-get install -y --no-install-recommends "$tools_in" >"$tmp/tools.log" 2>&1
rc=$?
tap_is "apt-get install lags-tools" "$rc" 0
[ $rc -eq 0 ] || tail -n 20 "$tmp/tools.log" | sed 's/^/# /'
tap_check "the dense-serverless preset is in /usr/share/lags/sysctl" \
	grep -q '^kernel.sched_lags = 1' "$root/usr/share/lags/sysctl/90-lags-dense-serverless.conf"
tap_is "no preset is active (/etc/sysctl.d, /usr/lib/sysctl.d)" \
	"$(grep -l sched_lags "$root"/etc/sysctl.d/* "$root"/usr/lib/sysctl.d/* 2>/dev/null)" ""
for t in faas-node-bench ab-stats lags-calibrate; do
	tap_check "$t --help runs" in_root "/usr/lib/lags/$t" --help
done
tap_check "lags-ab --help prints its usage" \
	sh -c "chroot '$root' /usr/lib/lags/lags-ab --help 2>&1 | grep -q '^Usage: lags-ab'"
tap_done
