# SPDX-License-Identifier: GPL-2.0
# Plots two lags-study runs on the host (study-median.tsv, one per working
# set) against cgroups per CPU: switches per request, CPU time per request
# and scheduler CPU time per switch, with a cgroup per function (groups)
# and with all functions in one cgroup (flat).
#   gnuplot -e "a='WS16.tsv'; b='WS1024.tsv'; cpus=2; out='DIR'" study-host.gp
# writes DIR/study-host.png.  Columns of study-median.tsv: per_cpu
# functions mode throughput_per_s switches_per_request
# involuntary_per_request switches_per_s system_switches_per_s p50_ms
# p99_ms within_slo cpu_util sched_share sched_share_busy reps.
# CPU per request = cpu_util x cpus / throughput (all CPU time of the
# machine, scheduler, dispatcher and idle-exit included); scheduler time
# per switch = sched_share x cpus / system_switches_per_s (perf
# cpu-clock samples in scheduler functions, all switches of the machine).
# Rows: a header, then "groups" and "flat" alternating per density
# (every 2::1 and every 2::2; the mode is checked as well).
set terminal pngcairo size 1200,420 font ",10"
set datafile separator "\t"
set logscale x 2
set xrange [0.8:80]
set xlabel "cgroups per CPU"
set grid
set key top left
g(m) = strcol(3) eq m

set output out."/study-host.png"
set multiplot layout 1,3
set title "switches per request"
set yrange [0:*]
plot a every 2::1 using 1:(g("groups") ? $5 : 1/0) with linespoints lc 1 title "16 KiB groups", \
     a every 2::2 using 1:(g("flat") ? $5 : 1/0) with linespoints lc 1 dt 2 pt 6 title "16 KiB flat", \
     b every 2::1 using 1:(g("groups") ? $5 : 1/0) with linespoints lc 2 title "1 MiB groups", \
     b every 2::2 using 1:(g("flat") ? $5 : 1/0) with linespoints lc 2 dt 2 pt 6 title "1 MiB flat"
set title "CPU time per request (us; service 200 us)"
plot a every 2::1 using 1:(g("groups") ? $12 * cpus / $4 * 1e6 : 1/0) with linespoints lc 1 title "16 KiB groups", \
     a every 2::2 using 1:(g("flat") ? $12 * cpus / $4 * 1e6 : 1/0) with linespoints lc 1 dt 2 pt 6 title "16 KiB flat", \
     b every 2::1 using 1:(g("groups") ? $12 * cpus / $4 * 1e6 : 1/0) with linespoints lc 2 title "1 MiB groups", \
     b every 2::2 using 1:(g("flat") ? $12 * cpus / $4 * 1e6 : 1/0) with linespoints lc 2 dt 2 pt 6 title "1 MiB flat"
set title "scheduler CPU time per switch (us, perf samples)"
plot a every 2::1 using 1:(g("groups") ? $13 * cpus / $8 * 1e6 : 1/0) with linespoints lc 1 title "16 KiB groups", \
     a every 2::2 using 1:(g("flat") ? $13 * cpus / $8 * 1e6 : 1/0) with linespoints lc 1 dt 2 pt 6 title "16 KiB flat", \
     b every 2::1 using 1:(g("groups") ? $13 * cpus / $8 * 1e6 : 1/0) with linespoints lc 2 title "1 MiB groups", \
     b every 2::2 using 1:(g("flat") ? $13 * cpus / $8 * 1e6 : 1/0) with linespoints lc 2 dt 2 pt 6 title "1 MiB flat"
unset multiplot
