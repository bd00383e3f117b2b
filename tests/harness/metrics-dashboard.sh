#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Grafana dashboard bench/grafana/lags-dashboard.json:
#   - is JSON (jq), every panel has a title, a type, a description, a
#     grid position and at least one query;
#   - every lags_* metric its queries name is one lags-metrics publishes
#     (the families of its output on the fixture trees);
#   - every query, with Grafana's variables put in ($instance: .*,
#     $__rate_interval: 10s), runs on a real Prometheus server (Debian's
#     prometheus) that scrapes a node_exporter serving the fixture
#     textfile, without error and with a non-empty result.
# Needs scripts/deps metrics; skips only when it cannot install.
set -u
. "$(dirname "$0")/../../scripts/lib.sh"
. "$LAGS_TOP/tests/lib/tap.sh"

. "$LAGS_TOP/tests/lib/metrics.sh"
metrics_setup "prometheus/node_exporter/jq"
J=$LAGS_TOP/bench/grafana/lags-dashboard.json

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lags-dash.XXXXXX")
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT

tap_check "the dashboard is JSON" jq -e . "$J"
tap_is "every panel has title, type, description, gridPos and a query" \
	"$(jq -r '.panels[] | select((.title // "") == "" or (.type // "") == "" or
		(.description // "") == "" or .gridPos == null or
		((.targets // []) | map(.expr // "") | map(select(. != "")) | length) == 0) |
		"panel \(.id // "?")"' "$J")" ""
tap_is "panel ids are unique" "$(jq -r '.panels[].id' "$J" | sort | uniq -d)" ""

mkdir -p "$tmp/tf"
"$M" --debugfs "$F/debugfs" --proc "$F/proc" --cgroup-root "$F/cgroup" --textfile-dir "$tmp/tf"
jq -r '.panels[].targets[].expr' "$J" >"$tmp/exprs"
unknown=
for name in $(grep -o 'lags_[a-z_]*' "$tmp/exprs" | sort -u); do
	grep -q "^# TYPE $name " "$tmp/tf/lags.prom" || unknown="$unknown $name"
done
tap_is "every metric the dashboard queries is published by lags-metrics" "$unknown" ""

freeport() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# wait_url URL PID: up to 20 s for URL to answer while PID lives.
wait_url() {
	local _
	for _ in $(seq 100); do
		curl -sf "$1" -o /dev/null && return 0
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.2
	done
	return 1
}
neport=$(freeport)
prometheus-node-exporter --web.listen-address="127.0.0.1:$neport" \
	--collector.disable-defaults --collector.textfile \
	--collector.textfile.directory="$tmp/tf" >"$tmp/ne.log" 2>&1 &
pids+=($!)
wait_url "http://127.0.0.1:$neport/metrics" "${pids[0]}"
tap_is "node_exporter serves the fixture textfile" "$?" 0

pport=$(freeport)
cat >"$tmp/prometheus.yml" <<EOC
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ['127.0.0.1:$neport']
EOC
prometheus --config.file="$tmp/prometheus.yml" --storage.tsdb.path="$tmp/tsdb" \
	--web.listen-address="127.0.0.1:$pport" >"$tmp/prom.log" 2>&1 &
pids+=($!)
P=http://127.0.0.1:$pport
if ! wait_url "$P/-/ready" "${pids[1]}"; then
	tap_result 1 "prometheus starts on 127.0.0.1:$pport"
	tail -n 20 "$tmp/prom.log" | sed 's/^/#   /'
	tap_done
	exit 1
fi
tap_result 0 "prometheus starts on 127.0.0.1:$pport"
# Enough scrapes for rate() over 10s: wait until lags_module_loaded has
# 5 samples.
for _ in $(seq 60); do
	n=$(curl -sf "$P/api/v1/query" --data-urlencode 'query=count_over_time(lags_module_loaded[1m])' |
		jq -r '.data.result[0].value[1] // 0')
	[ "${n:-0}" -ge 5 ] && break
	sleep 0.5
done
tap_check "prometheus scraped node_exporter ($n samples of lags_module_loaded)" test "${n:-0}" -ge 5

bad=
while read -r expr; do
	q=${expr//\$__rate_interval/10s}
	q=${q//\$instance/.*}
	res=$(curl -s "$P/api/v1/query" --data-urlencode "query=$q")
	st=$(echo "$res" | jq -r '.status')
	cnt=$(echo "$res" | jq -r '.data.result | length')
	if [ "$st" != success ] || [ "${cnt:-0}" -eq 0 ]; then
		bad="$bad
$q: status $st, $cnt series $(echo "$res" | jq -r '.error // empty')"
	fi
done <"$tmp/exprs"
tap_is "all $(wc -l <"$tmp/exprs") dashboard queries evaluate on prometheus with data" "$bad" ""
tap_done
