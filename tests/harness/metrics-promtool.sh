#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lags-metrics on the host, checked by Prometheus' own tools:
#   - on the fixture trees of tests/fixtures/metrics (a patched lags.ko's
#     debugfs, /proc, a cgroup v2 tree) and on this host's real /proc and
#     /sys/fs/cgroup: exit 0, "promtool check metrics" (parser and
#     linter) finds nothing;
#   - the fixture's debugfs values are published: per kind, the sum over
#     the CPU rows of stats equals the sum of the samples;
#   - the textfile is replaced by rename (a new inode every pass, no
#     temporary file left), and readers during an --interval loop only
#     ever see the whole file;
#   - a real prometheus-node-exporter with only the textfile collector
#     serves every sample of the file with an equal value, with our
#     types, and reports no textfile scrape error.
# Needs scripts/deps metrics (promtool, node_exporter, curl); skips
# only when those cannot be installed.
set -u
. "$(dirname "$0")/../../scripts/lib.sh"
. "$LAGS_TOP/tests/lib/tap.sh"

. "$LAGS_TOP/tests/lib/metrics.sh"
metrics_setup "promtool/node_exporter"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lags-metrics.XXXXXX")
nepid=
cleanup() {
	[ -n "$nepid" ] && kill "$nepid" 2>/dev/null && wait "$nepid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# promtool_ok DESC FILE: promtool check metrics says nothing, exits 0.
promtool_ok() {
	local out rc
	out=$(promtool check metrics <"$2" 2>&1)
	rc=$?
	tap_is "$1: promtool check metrics (exit $rc)" "$rc:$out" "0:"
}

# --- fixtures ---------------------------------------------------------
mkdir -p "$tmp/fix"
"$M" --debugfs "$F/debugfs" --proc "$F/proc" --cgroup-root "$F/cgroup" \
	--textfile-dir "$tmp/fix" 2>"$tmp/fix.err"
tap_is "fixtures: lags-metrics exits 0, nothing on stderr" "$?:$(cat "$tmp/fix.err")" "0:"
P=$tmp/fix/lags.prom
promtool_ok "fixtures" "$P"

# sum_stats COLUMN: sum of a stats column over the CPU rows.
sum_stats() {
	awk -v c="$1" 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
		$1 != "total" { s += $h[c] } END { print s + 0 }' "$F/debugfs/stats"
}
# sum_samples PREFIX: sum of the values of samples starting with PREFIX
# and with the label SUB (a regular expression).
sum_samples() {
	awk -v p="$1" -v l="$2" 'index($0, p) == 1 && $0 ~ l { s += $NF } END { print s + 0 }' "$P"
}
bad=
for k in voluntary involuntary; do
	[ "$(sum_samples 'lags_context_switches_total{' "kind=\"$k\"")" = "$(sum_stats $k)" ] || bad="$bad $k"
done
for k in cross_group intra_group; do
	[ "$(sum_samples 'lags_group_switches_total{' "kind=\"$k\"")" = "$(sum_stats $k)" ] || bad="$bad $k"
done
[ "$(sum_samples 'lags_idle_switches_total{' .)" = "$(sum_stats idle)" ] || bad="$bad idle"
for e in drain_keep drain_expire wakeup_defer guard; do
	[ "$(sum_samples 'lags_events_total{' "event=\"$e\"")" = "$(sum_stats $e)" ] || bad="$bad $e"
done
tap_is "fixtures: per-kind sums over the CPUs equal the stats columns" "$bad" ""
tap_is "fixtures: one lags_tunable per row of tunables" \
	"$(grep -c '^lags_tunable{' "$P")" "$(($(wc -l <"$F/debugfs/tunables") - 1))"
tap_is "fixtures: one usage sample per cgroup with a cpu.stat" \
	"$(grep -c '^lags_cgroup_cpu_usage_seconds_total{' "$P")" \
	"$(find "$F/cgroup" -name cpu.stat | wc -l)"

# --- the host's own /proc and cgroups --------------------------------
mkdir -p "$tmp/host"
c0=$(awk '$1 == "ctxt" { print $2 }' /proc/stat)
"$M" --textfile-dir "$tmp/host" 2>"$tmp/host.err"
rc=$?
c1=$(awk '$1 == "ctxt" { print $2 }' /proc/stat)
tap_is "host: lags-metrics exits 0" "$rc" 0
sed 's/^/# host stderr: /' "$tmp/host.err"
promtool_ok "host" "$tmp/host/lags.prom"
node=$(awk '$1 == "lags_node_context_switches_total" { print $2 }' "$tmp/host/lags.prom")
tap_check "host: lags_node_context_switches_total ($node) within ctxt [$c0, $c1]" \
	test -n "$node" -a "${node:-0}" -ge "$c0" -a "${node:-0}" -le "$c1"
loaded=$(awk '$1 == "lags_module_loaded" { print $2 }' "$tmp/host/lags.prom")
if [ -d /sys/kernel/debug/lags ]; then want=1; else want=0; fi
tap_is "host: lags_module_loaded says whether /sys/kernel/debug/lags exists" "$loaded" "$want"
if [ "$want" = 0 ]; then
	tap_check "host: stderr says the module is not loaded" grep -q 'not loaded' "$tmp/host.err"
fi
for s in schedstat cgroup_cpu_stat; do
	up=$(awk -v k="lags_source_up{source=\"$s\"}" '$1 == k { print $2 }' "$tmp/host/lags.prom")
	if [ "$up" = 0 ]; then
		tap_check "host: $s down (source_up 0) and stderr says why" test -s "$tmp/host.err"
	else
		tap_is "host: $s read" "$up" 1
	fi
done

# --- atomic replacement ----------------------------------------------
i0=$(stat -c %i "$P")
"$M" --debugfs "$F/debugfs" --proc "$F/proc" --cgroup-root "$F/cgroup" --textfile-dir "$tmp/fix"
i1=$(stat -c %i "$P")
tap_check "textfile: a new pass renames a new file over the old (inode $i0 -> $i1)" test "$i0" != "$i1"
tap_is "textfile: no temporary file left" "$(ls -A "$tmp/fix")" lags.prom
cp "$P" "$tmp/whole.prom"
"$M" --debugfs "$F/debugfs" --proc "$F/proc" --cgroup-root "$F/cgroup" \
	--textfile-dir "$tmp/fix" --interval 1 2>/dev/null &
loop=$!
torn=0 reads=0
end=$(($(now) + 3))
while [ "$(now)" -lt "$end" ]; do
	cmp -s "$P" "$tmp/whole.prom" || torn=$((torn + 1))
	reads=$((reads + 1))
done
kill -TERM "$loop"
wait "$loop"
tap_is "textfile: --interval ends with 0 on SIGTERM" "$?" 0
tap_is "textfile: $reads reads during --interval, none saw a partial file" "$torn" 0

# --- node_exporter's textfile collector --------------------------------
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
prometheus-node-exporter --web.listen-address="127.0.0.1:$port" \
	--collector.disable-defaults --collector.textfile \
	--collector.textfile.directory="$tmp/fix" >"$tmp/ne.log" 2>&1 &
nepid=$!
served=
for _ in $(seq 50); do
	curl -sf "http://127.0.0.1:$port/metrics" -o "$tmp/served.txt" && { served=1; break; }
	kill -0 "$nepid" 2>/dev/null || break
	sleep 0.2
done
tap_check "node_exporter serves /metrics on 127.0.0.1:$port" test -n "$served"
if [ -z "$served" ]; then
	sed 's/^/#   /' "$tmp/ne.log"
else
	tap_is "node_exporter: no textfile scrape error" \
		"$(awk '$1 == "node_textfile_scrape_error" { print $2 }' "$tmp/served.txt")" 0
	# Every sample of the file, served with an equal value (as numbers:
	# node_exporter writes 1.5e+06 where we wrote 1500000).
	diffs=$(awk 'FNR == NR { if ($0 !~ /^#/) want[$1] = $2; next }
		$0 !~ /^#/ && ($1 in want) { got[$1] = $2 }
		END { n = 0; for (k in want) { if (!(k in got)) { print "missing " k; n++ }
			else if (got[k] + 0 != want[k] + 0) { print k " " want[k] " served " got[k]; n++ }
			if (n >= 5) break } }' "$P" "$tmp/served.txt")
	tap_is "node_exporter serves all $(grep -vc '^#' "$P") samples of lags.prom with equal values" "$diffs" ""
	tap_is "node_exporter keeps our types" \
		"$(grep '^# TYPE lags_' "$tmp/served.txt" | sort)" "$(grep '^# TYPE ' "$P" | sort)"
fi
kill "$nepid" 2>/dev/null
wait "$nepid" 2>/dev/null
nepid=
tap_done
