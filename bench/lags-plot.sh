#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# lags-plot: PNG plots (gnuplot) of lags-ab, lags-study and lags-capacity
# results.  Runs on the host over results brought back from a guest.
#
# Usage: lags-plot ab DIR         DIR/latency-cdf.png, DIR/ratios.png
#        lags-plot study DIR      DIR/study.png
#        lags-plot capacity DIR   DIR/capacity.png
set -u

prog=lags-plot
die() { printf '[%s] error: %s\n' "$prog" "$*" >&2; exit 1; }
usage() { sed -n '/^# Usage/,/^$/p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
[ $# -eq 2 ] || usage
mode=$1 dir=$2
[ -d "$dir" ] || die "no directory $dir"
command -v gnuplot >/dev/null 2>&1 || die "gnuplot is not installed"
term="set terminal pngcairo size 1000,640 noenhanced font ',10'"

plot_ab() {
	[ -s "$dir/ab.tsv" ] || die "$dir/ab.tsv missing: run lags-ab first"
	# Latency CDF: repetition 1 of every configuration.
	plots=''
	for f in "$dir"/*-1.hist.csv; do
		[ -f "$f" ] || continue
		c=$(basename "$f" -1.hist.csv)
		plots="$plots${plots:+, }'$f' using (\$2/1e6):4 with steps lw 2 title '$c'"
	done
	[ -n "$plots" ] && gnuplot <<-EOF || return 1
		$term
		set output '$dir/latency-cdf.png'
		set datafile separator ','
		set key bottom right
		set logscale x
		set grid
		set xlabel 'latency from intended arrival (ms, log scale)'
		set ylabel 'fraction of requests'
		set title 'Latency CDF per configuration (repetition 1)'
		plot $plots
	EOF
	# Ratios to stock: median with min..max bars, one series per metric.
	awk -F '\t' 'NR > 1 && $1 ~ /^(throughput_per_s|latency_p50_ns|latency_p99_ns|switches_per_request|involuntary_per_request)$/ {
		if (!($2 in ci)) { ci[$2] = nc++; cname[nc - 1] = $2 }
		if (!($1 in mi)) { mi[$1] = nm++; mname[nm - 1] = $1 }
		v[mi[$1], ci[$2]] = $7 " " $6 " " $8 }
	     END {
		for (m = 0; m < nm; m++) {
			printf "# %s\n", mname[m]
			for (c = 0; c < nc; c++)
				if ((m, c) in v)
					printf "%.2f %s %s %d\n", c + (m - (nm - 1) / 2) * 0.12, v[m, c], cname[c], c
			printf "\n\n"
		}
		for (m = 0; m < nm; m++) printf "%s ", mname[m] > "/dev/stderr"
	     }' "$dir/ab.tsv" >"$dir/ratios.dat" 2>"$dir/ratios.names"
	xtics=$(awk -F '\t' 'NR > 1 && !seen[$2]++ { printf "%s\"%s\" %d", (n++ ? ", " : ""), $2, n - 1 }' "$dir/ab.tsv")
	i=0 plots=''
	for m in $(cat "$dir/ratios.names"); do
		# Labels once, from the first series, at the group centres.
		tic=''
		plots="$plots${plots:+, }'$dir/ratios.dat' index $i using 1:2:3:4$tic with yerrorbars pt 7 ps 1.2 title '$m'"
		i=$((i + 1))
	done
	gnuplot <<-EOF
		$term
		set output '$dir/ratios.png'
		set key outside right
		set grid y
		set ylabel 'ratio to stock (same repetition, log scale)'
		set logscale y
		set title 'A/B: median and min..max over repetitions'
		set xtics rotate by -30 ($xtics)
		set ytics (0.25, 0.5, 0.75, 1, 1.5, 2, 4, 10, 30)
		set offsets 0.5, 0.5, 0, 0
		set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2
		plot $plots
	EOF
}

plot_study() {
	data=$dir/study-median.tsv
	[ -s "$data" ] || data=$dir/study.tsv
	[ -s "$data" ] || die "$dir/study.tsv missing: run lags-study first"
	awk -F '\t' 'NR > 1 && $3 == "groups"' "$data" >"$dir/study-groups.dat"
	awk -F '\t' 'NR > 1 && $3 == "flat"' "$data" >"$dir/study-flat.dat"
	if awk -F '\t' '$13 != "-" { found = 1 } END { exit !found }' "$dir/study-groups.dat"; then
		last_panel="set ylabel 'CPU share in scheduler functions (%, perf samples)'
		plot '$dir/study-groups.dat' using 1:(\$13*100) with linespoints lw 2 title 'one cgroup per function', '$dir/study-flat.dat' using 1:(\$13*100) with linespoints lw 2 title 'all in one cgroup'"
	else
		last_panel="set ylabel 'context switches per second (functions)'
		plot '$dir/study-groups.dat' using 1:7 with linespoints lw 2 title 'one cgroup per function', '$dir/study-flat.dat' using 1:7 with linespoints lw 2 title 'all in one cgroup'"
	fi
	kernel=$(sed -n '1s/^lags-study: \([^,]*\),.*/\1/p' "$dir/study.txt" 2>/dev/null)
	gnuplot <<-EOF
		set terminal pngcairo size 1200,900 noenhanced font ',10'
		set output '$dir/study.png'
		set datafile separator '\t'
		set datafile missing '-'
		set logscale x 2
		set grid
		set key top left
		set xlabel 'cgroups per CPU'
		set multiplot layout 2,2 title 'Context switches against cgroup density (kernel ${kernel:-?}, medians)'
		set ylabel 'switches per request'
		plot '$dir/study-groups.dat' using 1:5 with linespoints lw 2 title 'one cgroup per function', \
		     '$dir/study-flat.dat' using 1:5 with linespoints lw 2 title 'all in one cgroup'
		set ylabel 'involuntary switches per request'
		plot '$dir/study-groups.dat' using 1:6 with linespoints lw 2 title 'one cgroup per function', \
		     '$dir/study-flat.dat' using 1:6 with linespoints lw 2 title 'all in one cgroup'
		set ylabel 'p99 latency (ms)'
		set logscale y
		plot '$dir/study-groups.dat' using 1:10 with linespoints lw 2 title 'one cgroup per function', \
		     '$dir/study-flat.dat' using 1:10 with linespoints lw 2 title 'all in one cgroup'
		unset logscale y
		$last_panel
		unset multiplot
	EOF
}

plot_capacity() {
	[ -s "$dir/points.txt" ] || die "$dir/points.txt missing: run lags-capacity first"
	plots=''
	for c in $(awk '{ print $1 }' "$dir/points.txt" | awk '!seen[$0]++'); do
		awk -v c="$c" '$1 == c { print $2, $3 / 1e6 }' "$dir/points.txt" | sort -n >"$dir/capacity-$c.dat"
		plots="$plots${plots:+, }'$dir/capacity-$c.dat' using 1:2 with linespoints lw 2 pt 7 title '$c'"
	done
	slo=$(awk '$1 == "\"slo_ns\":" { gsub(/,/, "", $2); print $2 / 1e6; exit }' "$dir"/*.json 2>/dev/null)
	gnuplot <<-EOF
		$term
		set output '$dir/capacity.png'
		set grid
		set logscale y
		set key top left
		set xlabel 'offered load (fraction of CPU capacity)'
		set ylabel 'p99 latency (ms, log scale)'
		set title 'Capacity at SLO: bisection points per configuration'
		${slo:+set arrow from graph 0, first $slo to graph 1, first $slo nohead dt 2 lw 2}
		${slo:+set label 'SLO' at graph 0.02, first $slo offset 0,0.7}
		plot $plots
	EOF
}

case $mode in
ab) plot_ab ;;
study) plot_study ;;
capacity) plot_capacity ;;
*) usage ;;
esac
