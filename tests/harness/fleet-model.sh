#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lags-fleet, the cluster-size model (Documentation/fleet.rst), on the
# host: built from the tree into a temporary directory, run on a fixture
# whose answers are worked out below, on the sample day (checked against
# an independent awk computation of the same formula), on bad inputs
# (non-zero exit and a message saying where and why), with --plot (a
# PNG, when gnuplot is installed); and lags-capacity's capacity.json,
# written by the real runner around a stand-in generator, read back by
# lags-fleet.  Takes a few seconds.
set -u
. "$(dirname "$0")/../../scripts/lib.sh"
. "$LAGS_TOP/tests/lib/tap.sh"

command -v cc >/dev/null 2>&1 || tap_skip_all "no C compiler"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lags-fleet.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

if ! make -s -C "$LAGS_TOP/bench" O="$tmp/bench" "$tmp/bench/bin/lags-fleet" >"$tmp/build.log" 2>&1; then
	tap_result 1 "lags-fleet builds"
	sed 's/^/# /' "$tmp/build.log"
	tap_done
	exit
fi
tap_result 0 "lags-fleet builds"
fleet=$tmp/bench/bin/lags-fleet

# The fixture: stock 100 requests/s per node, lags 125, slice3ms at
# least 110 (held at the top of the bracket), onegroup below the bracket.
cat >"$tmp/cap.json" <<'JSON'
{"tool": "lags-capacity", "format": 1, "configs": [
  {"config": "stock", "bound": "exact", "load": 0.2, "capacity_per_s": 100},
  {"config": "lags", "bound": "exact", "load": 0.25, "capacity_per_s": 125},
  {"config": "slice3ms", "bound": "above", "load": 0.22, "capacity_per_s": 110},
  {"config": "onegroup", "bound": "below", "load": 0.1, "capacity_per_s": null}
]}
JSON
printf 'minute,demand_per_s\n0,100\n1,250\n2,0\n3,300\n4,50\n' >"$tmp/curve.csv"

# field TSV CONFIG COLUMN: one cell of lags-fleet's --tsv output.
field() {
	awk -F '\t' -v c="$2" -v k="$3" 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		$1 == c { print $col[k] }' "$1"
}

# Headroom 0.2: stock carries 80/s per node: 2, 4, 0, 4, 1 nodes per
# minute = 11 node-minutes, peak 4, fixed 4 x 5 = 20.  lags 100/s:
# 1, 3, 0, 3, 1 = 8, peak 3, fixed 15.  Fewer: peak (4-3)/4 = 25.00%,
# autoscaled (11-8)/11 = 27.27%.  slice3ms 88/s: 2, 3, 0, 4, 1 = 10.
"$fleet" --capacity "$tmp/cap.json" --load "$tmp/curve.csv" --headroom 0.2 \
	--tsv "$tmp/out.tsv" >"$tmp/out.txt" 2>"$tmp/err.txt"
tap_is "fixture: exit 0" "$?" 0
tap_is "fixture: stock peak, fixed and autoscaled node-minutes" \
	"$(field "$tmp/out.tsv" stock peak_nodes) $(field "$tmp/out.tsv" stock static_node_minutes) $(field "$tmp/out.tsv" stock autoscaled_node_minutes)" "4 20 11"
tap_is "fixture: lags peak, fixed and autoscaled node-minutes" \
	"$(field "$tmp/out.tsv" lags peak_nodes) $(field "$tmp/out.tsv" lags static_node_minutes) $(field "$tmp/out.tsv" lags autoscaled_node_minutes)" "3 15 8"
tap_is "fixture: lags needs 25.00% fewer nodes at the peak, 27.27% fewer node-hours autoscaled" \
	"$(field "$tmp/out.tsv" lags peak_reduction_pct) $(field "$tmp/out.tsv" lags autoscaled_reduction_pct)" "25.00 27.27"
tap_is "fixture: slice3ms (a lower bound) 10 node-minutes, marked in the table" \
	"$(field "$tmp/out.tsv" slice3ms bound) $(field "$tmp/out.tsv" slice3ms autoscaled_node_minutes) $(grep -c '^slice3ms .*capacity at least' "$tmp/out.txt")" "above 10 1"
tap_is "fixture: onegroup (below the bracket) has no plan" \
	"$(field "$tmp/out.tsv" onegroup peak_nodes)" "-"

# --baseline-per-s 1000: every capacity x 10 (stock measured 100).
"$fleet" --capacity "$tmp/cap.json" --load "$tmp/curve.csv" --baseline-per-s 1000 \
	--configs "stock lags" --tsv "$tmp/scaled.tsv" >/dev/null 2>&1
tap_is "--baseline-per-s scales every capacity by the baseline's factor" \
	"$(cut -f 1,3 "$tmp/scaled.tsv" | tail -n +2 | tr '\t\n' ': ')" "stock:1000 lags:1250 "

# The sample day against the same formula in awk: nodes = ceil(d / u).
sample=$LAGS_TOP/bench/fleet/sample-day.csv
"$fleet" --capacity "$LAGS_TOP/bench/fleet/sample-capacity.json" --load "$sample" \
	--headroom 0.1 --tsv "$tmp/day.tsv" >"$tmp/day.txt" 2>&1
tap_is "sample day: exit 0" "$?" 0
tap_check "sample day: 1440 minutes in the header line" grep -q '^lags-fleet: 1440 minutes' "$tmp/day.txt"
for c in stock lags; do
	cap=$(field "$tmp/day.tsv" "$c" capacity_per_s)
	want=$(awk -F, -v cap="$cap" 'BEGIN { u = cap * (1 - 0.1) }
		/^[0-9]/ { n = int($2 / u); if (n * u < $2) n++; s += n; if (n > p) p = n }
		END { print p, s }' "$sample")
	tap_is "sample day: $c peak nodes and autoscaled node-minutes as awk computes them" \
		"$(field "$tmp/day.tsv" "$c" peak_nodes) $(field "$tmp/day.tsv" "$c" autoscaled_node_minutes)" "$want"
done

# bad EXIT DESC MESSAGE ARGS...: lags-fleet exits EXIT and says MESSAGE.
bad() {
	local want=$1 desc=$2 msg=$3
	shift 3
	"$fleet" "$@" >/dev/null 2>"$tmp/bad.err"
	local rc=$?
	if [ "$rc" -eq "$want" ] && grep -qF -- "$msg" "$tmp/bad.err"; then
		tap_result 0 "$desc"
	else
		tap_result 1 "$desc"
		tap_diag "  exit $rc (want $want), stderr: $(head -n 2 "$tmp/bad.err")"
	fi
}
printf 'minute,demand_per_s\n0,10\n1,20\n3,30\n' >"$tmp/gap.csv"
bad 1 "a curve with a missing minute: exit 1, file and line named" \
	"gap.csv:4: minute 3, expected 2" --capacity "$tmp/cap.json" --load "$tmp/gap.csv"
printf 'minute,demand_per_s\n' >"$tmp/empty.csv"
bad 1 "an empty curve: exit 1" "the load curve has no minutes" \
	--capacity "$tmp/cap.json" --load "$tmp/empty.csv"
sed 's/"capacity_per_s": 125/"capacity_per_s": 0/' "$tmp/cap.json" >"$tmp/zero.json"
bad 1 "a zero capacity: exit 1, line and configuration named" \
	"zero.json:3: configs[1] (lags): capacity_per_s must be positive" \
	--capacity "$tmp/zero.json" --load "$tmp/curve.csv"
printf '{"configs": [\n {"config": "stock" "bound": "exact"}]}\n' >"$tmp/broken.json"
bad 1 "malformed JSON: exit 1, line and column named" "broken.json:2:21: expected ',' or '}'" \
	--capacity "$tmp/broken.json" --load "$tmp/curve.csv"
bad 1 "an unknown baseline: exit 1, the configurations listed" \
	"no configuration 'base' (--baseline); it has: stock lags slice3ms onegroup" \
	--capacity "$tmp/cap.json" --load "$tmp/curve.csv" --baseline base
bad 1 "an unknown configuration in --configs: exit 1, named" \
	"--configs: no configuration 'lag' in" \
	--capacity "$tmp/cap.json" --load "$tmp/curve.csv" --configs "stock lag"
bad 2 "headroom 1: exit 2" "--headroom must be in [0, 1)" \
	--capacity "$tmp/cap.json" --load "$tmp/curve.csv" --headroom 1
bad 2 "no --load: exit 2" "--capacity and --load are required" --capacity "$tmp/cap.json"

if command -v gnuplot >/dev/null 2>&1; then
	"$fleet" --capacity "$tmp/cap.json" --load "$sample" --plot "$tmp/day.png" >/dev/null 2>"$tmp/plot.err"
	tap_is "--plot: exit 0" "$?" 0
	tap_is "--plot: the file is a PNG" "$(head -c 8 "$tmp/day.png" 2>/dev/null | od -An -tx1 | tr -d ' \n')" \
		"89504e470d0a1a0a"
else
	tap_skip "--plot writes a PNG" "gnuplot is not installed (scripts/deps installs gnuplot-nox)"
fi

# lags-capacity's capacity.json: the real runner (its knobs and the
# generator stood in for) bisects two configurations; stock holds its
# SLO up to load 0.5, lags up to 0.6; the stand-in reports 1 CPU and
# 2000 us of service, i.e. an offered rate of load x 500 per second.
mkdir -p "$tmp/cap"
cp "$LAGS_TOP/bench/lags-capacity.sh" "$tmp/cap/lags-capacity"
cp "$LAGS_TOP/bench/lags-common.sh" "$tmp/cap/lags-common"
cat >"$tmp/cap/lags-knobs" <<'SH'
knobs_begin() { :; }
knobs_runnable() { echo "$1"; }
knobs_apply() { :; }
knobs_restore() { :; }
SH
cat >"$tmp/cap/faas-node-bench" <<'SH'
#!/bin/sh
while [ $# -gt 0 ]; do
	case $1 in
	--load) load=$2; shift ;;
	--label) label=$2; shift ;;
	--summary) sum=$2; shift ;;
	--json) json=$2; shift ;;
	esac
	shift
done
limit=0.5; [ "$label" = lags ] && limit=0.6
p99=$(awk -v l="$load" -v m="$limit" 'BEGIN { print (l <= m) ? 5000000 : 50000000 }')
printf 'latency_p99_ns %s\nunfinished 0\n' "$p99" >"$sum"
rate=$(awk -v l="$load" 'BEGIN { print l * 500 }')
printf '{\n  "parameters": {\n    "cpus": 1,\n    "service_us": 2000\n  },\n  "results": {\n    "offered_rate_per_s": %s,\n    "dropped": 0,\n    "slo_ns": 20000000\n  }\n}\n' "$rate" >"$json"
SH
chmod +x "$tmp/cap/lags-capacity" "$tmp/cap/faas-node-bench"
PATH="$tmp/cap:$PATH" sh "$tmp/cap/lags-capacity" --configs "stock lags" --steps 6 \
	--seconds 1 --out "$tmp/capout" >"$tmp/capacity.log" 2>&1
tap_is "lags-capacity (stand-in generator): exit 0" "$?" 0
tap_check "lags-capacity: capacity.txt and capacity-table.txt still written" \
	test -s "$tmp/capout/capacity.txt" -a -s "$tmp/capout/capacity-table.txt"
"$fleet" --capacity "$tmp/capout" --load "$tmp/curve.csv" --tsv "$tmp/cap.tsv" >/dev/null 2>"$tmp/cap.err"
tap_is "lags-fleet reads lags-capacity's output directory" "$?" 0
[ -s "$tmp/cap.err" ] && sed 's/^/# /' "$tmp/cap.err"
want=$(awk '{ printf "%s:%s ", $1, $2 * 500 }' "$tmp/capout/capacity.txt")
tap_is "capacity.json: capacity_per_s is the offered rate at each capacity load" \
	"$(tail -n +2 "$tmp/cap.tsv" | awk -F '\t' '{ printf "%s:%s ", $1, $3 }')" "$want"
tap_check "capacity.json: the stand-in's limits are bracketed (stock 0.48-0.5, lags 0.58-0.6)" \
	awk '$1 == "stock" && ($2 < 0.48 || $2 > 0.5) { exit 1 } $1 == "lags" && ($2 < 0.58 || $2 > 0.6) { exit 1 }' "$tmp/capout/capacity.txt"
tap_done
