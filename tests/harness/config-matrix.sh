#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The configuration matrix (Documentation/process.rst, "The configuration
# matrix"): scripts/config-matrix compiles kernel/sched/ at W=1 with and
# without the series under Debian's amd64 and rt configurations and five
# variants of amd64, runs sparse on the touched .c files and compiles
# every prefix of the series; a warning the series adds fails.  Its TAP is
# this test's; its progress lines follow as diagnostics.  1 to 1.5 minutes
# when its object directories and ccache are warm, 9 the first time.
#
# Needs scripts/deps matrix (linux-config-6.12, sparse); skips only when
# those cannot be installed.
#
# lags-background: yes
set -u
. "$(dirname "$0")/../../scripts/lib.sh"
. "$LAGS_TOP/tests/lib/tap.sh"

if ! deps_out=$("$LAGS_TOP/scripts/deps" matrix 2>&1); then
	tap_skip_all "linux-config-6.12/sparse not installable: $(echo "$deps_out" | tail -n 1)"
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lags-matrix.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
"$LAGS_TOP/scripts/config-matrix" 2>"$tmp/err"
rc=$?
sed 's/^/# /' "$tmp/err"
exit $rc
