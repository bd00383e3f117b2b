# SPDX-License-Identifier: GPL-2.0
# Plots a lags-calibrate file (and one made with --no-cgroups) against
# cgroups per CPU, one line per working set.
#   gnuplot -e "cal='CAL.tsv'; nocg='NOCG.tsv'; out='DIR'" calibration.gp
# writes DIR/calibration-extra.png and DIR/calibration-handoff.png.
# Columns: groups_per_cpu working_set_kib extra_ns handoff_ns reps
# resume_ns baseline_ns, rows ordered by groups then by the five working
# sets 16 64 256 1024 4096 (the lags-calibrate defaults: "every 5");
# points <= 0 cannot be drawn on the log scale.  Open circles: --no-cgroups.
set terminal pngcairo size 760,480 font ",10"
set datafile separator "\t"
set datafile commentschars "#"
set logscale x 2
set xrange [0.8:80]
set xlabel "cgroups per CPU (processes in the token ring)"
set key top left
set grid
ws = "16 64 256 1024 4096"

set output out."/calibration-extra.png"
set logscale y 10
set ylabel "extra CPU time per resumed request (us)"
set title "Extra CPU time of a request after the other groups ran (circles: no cgroups)"
plot for [i = 1:5] cal every 5::(i - 1) using 1:($3 > 0 ? $3 / 1000 : 1/0) \
	with linespoints lc i title word(ws, i)." KiB", \
     for [i = 1:5] nocg every 5::(i - 1) using 1:($3 > 0 ? $3 / 1000 : 1/0) \
	with points lc i pt 6 notitle

set output out."/calibration-handoff.png"
unset logscale y
set yrange [0:*]
set ylabel "wall time per handoff (us)"
set title "Token handoff: pipe write -> wakeup -> switch -> read (solid: cgroup per process, dashed: no cgroups)"
plot for [i = 1:5] cal every 5::(i - 1) using 1:($4 / 1000) \
	with linespoints lc i title word(ws, i)." KiB", \
     for [i = 1:5] nocg every 5::(i - 1) using 1:($4 / 1000) \
	with linespoints lc i dt 2 pt 6 notitle
