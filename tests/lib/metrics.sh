# SPDX-License-Identifier: GPL-2.0
#
# Set-up shared by the lags-metrics harness tests (bash; sourced after
# scripts/lib.sh and tests/lib/tap.sh).
#
#   metrics_setup WHAT   installs scripts/deps metrics (skips the whole
#                        test, naming WHAT, only when that fails), builds
#                        lags-metrics; sets M (the binary) and F (the
#                        fixture trees)
metrics_setup() {
	local deps_out
	if ! deps_out=$("$LAGS_TOP/scripts/deps" metrics 2>&1); then
		tap_skip_all "$1 not installable: $(echo "$deps_out" | tail -n 1)"
	fi
	make -s -C "$LAGS_TOP/bench" O="$LAGS_BUILD/bench" "$LAGS_BUILD/bench/bin/lags-metrics" >/dev/null ||
		{ tap_result 1 "build lags-metrics"; tap_done; exit 1; }
	M=$LAGS_BUILD/bench/bin/lags-metrics
	F=$LAGS_TOP/tests/fixtures/metrics
}
