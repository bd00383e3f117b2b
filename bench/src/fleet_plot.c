// SPDX-License-Identifier: GPL-2.0
/* lags-fleet's per-minute table and its gnuplot plot. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "fleet_plot.h"

void fleet_write_minutes(FILE *out, const struct fleet_curve *curve,
			 const struct fleet_series *series, size_t n)
{
	fprintf(out, "minute\tdemand_per_s");
	for (size_t j = 0; j < n; j++)
		fprintf(out, "\t%s", series[j].name);
	fputc('\n', out);
	for (size_t i = 0; i < curve->minutes; i++) {
		fprintf(out, "%zu\t%.6g", i, curve->demand[i]);
		for (size_t j = 0; j < n; j++)
			fprintf(out, "\t%llu", (unsigned long long)
				fleet_nodes(curve->demand[i], series[j].usable_per_s));
		fputc('\n', out);
	}
}

/* Writes s into a gnuplot single-quoted string (quotes doubled). */
static void put_quoted(FILE *gp, const char *s)
{
	fputc('\'', gp);
	for (; *s; s++) {
		if (*s == '\'')
			fputc('\'', gp);
		fputc(*s, gp);
	}
	fputc('\'', gp);
}

int fleet_plot_png(const char *png, const char *title,
		   const struct fleet_curve *curve,
		   const struct fleet_series *series, size_t n, char *err,
		   size_t errlen)
{
	const char *tmp = getenv("TMPDIR");
	char data[4096];
	struct sigaction ignore = { .sa_handler = SIG_IGN }, old;
	FILE *f, *gp;
	int fd, status;

	snprintf(data, sizeof(data), "%s/lags-fleet.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	fd = mkstemp(data);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		snprintf(err, errlen, "plot: cannot create a temporary file in %s: %s",
			 tmp && *tmp ? tmp : "/tmp", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	fleet_write_minutes(f, curve, series, n);
	if (fclose(f)) {
		snprintf(err, errlen, "plot: cannot write %s: %s", data, strerror(errno));
		unlink(data);
		return -1;
	}
	/* gnuplot writes its PNG to stdout when it cannot open the file:
	 * find an unwritable path here, with the reason. */
	f = fopen(png, "wb");
	if (!f) {
		snprintf(err, errlen, "plot: cannot write %s: %s", png, strerror(errno));
		unlink(data);
		return -1;
	}
	fclose(f);
	/* A missing gnuplot closes the pipe: a failed write, not a SIGPIPE. */
	sigemptyset(&ignore.sa_mask);
	sigaction(SIGPIPE, &ignore, &old);
	gp = popen("gnuplot", "w");
	if (!gp) {
		sigaction(SIGPIPE, &old, NULL);
		snprintf(err, errlen, "plot: cannot run gnuplot: %s", strerror(errno));
		unlink(data);
		return -1;
	}
	fprintf(gp, "set terminal pngcairo size 1000,800 noenhanced font ',10'\n"
		    "set output ");
	put_quoted(gp, png);
	fprintf(gp, "\nset datafile separator '\\t'\n"
		    "set key top left\n"
		    "set grid\n"
		    "set xrange [0:%g]\n"
		    "set xtics 2\n"
		    "set yrange [0:*]\n"
		    "set multiplot layout 2,1 title ", (double)curve->minutes / 60);
	put_quoted(gp, title);
	fprintf(gp, "\nset ylabel 'fleet demand (requests/s)'\nplot ");
	put_quoted(gp, data);
	fprintf(gp, " using ($1/60):2 with lines lw 1 lc rgb 'gray30' title 'demand'\n"
		    "set xlabel 'hour of the curve'\n"
		    "set ylabel 'nodes needed at the SLO'\nplot ");
	for (size_t j = 0; j < n; j++) {
		put_quoted(gp, data);
		fprintf(gp, " using ($1/60):%zu with steps lw 2 title ", j + 3);
		put_quoted(gp, series[j].name);
		fprintf(gp, "%s", j + 1 < n ? ", " : "");
	}
	fprintf(gp, "\nunset multiplot\n");
	status = pclose(gp);
	sigaction(SIGPIPE, &old, NULL);
	unlink(data);
	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		snprintf(err, errlen, "plot: gnuplot failed (%s%d)%s",
			 status != -1 && WIFEXITED(status) ? "exit " : "status ",
			 status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : status,
			 status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 127 ?
			 ": is gnuplot installed (scripts/deps)?" : "");
		return -1;
	}
	return 0;
}
