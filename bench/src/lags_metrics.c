// SPDX-License-Identifier: GPL-2.0
/*
 * lags-metrics: publishes lags.ko's counters, /proc/schedstat, /proc/stat
 * and cgroup v2 cpu.stat in the Prometheus text format, for
 * node_exporter's textfile collector (Documentation/metrics.rst).
 *
 * Exit status: 0; 1 when the output could not be written (once mode) or
 * the loop could not wait; 2 on a usage error.  A missing source is not
 * an error: it is reported on stderr and by lags_source_up 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "metrics_publish.h"

#define TEXTFILE_NAME "lags.prom"

struct metrics_options {
	const char *textfile_dir;	/* NULL: no file */
	int to_stdout;
	unsigned interval;		/* seconds; 0: once */
	const char *debugfs, *proc, *cgroup_root;
	size_t max_cgroups;
};

/* What was last said about each source, so a loop reports changes only. */
struct source_notes {
	char lags[512], schedstat[512], ctxt[512], cgroups[512];
};

static void usage(FILE *out)
{
	fprintf(out,
"usage: lags-metrics [--textfile-dir DIR] [--stdout] [--interval SECONDS | --once]\n"
"                    [--debugfs DIR] [--proc DIR] [--cgroup-root DIR]\n"
"                    [--max-cgroups N]\n"
"  --textfile-dir DIR  write DIR/" TEXTFILE_NAME " (a temporary file in DIR, then rename)\n"
"  --stdout            write to standard output (the default without --textfile-dir)\n"
"  --interval SECONDS  write every SECONDS until SIGINT or SIGTERM (default: once)\n"
"  --once              write once and exit\n"
"  --debugfs DIR       lags.ko's debugfs directory (default " LAGS_DEBUGFS_DIR ")\n"
"  --proc DIR          procfs (default /proc): DIR/schedstat, DIR/stat\n"
"  --cgroup-root DIR   cgroup v2 root (default " CGROUP_ROOT_DIR ")\n"
"  --max-cgroups N     read cpu.stat of at most N cgroups (default 4096)\n");
}

static int parse_count(const char *opt, const char *arg, unsigned long max,
		       unsigned long *v)
{
	char *end;

	errno = 0;
	*v = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || *arg == '-' || *v > max) {
		fprintf(stderr, "lags-metrics: %s wants a whole number up to %lu, not '%s'\n",
			opt, max, arg);
		return -1;
	}
	return 0;
}

static int parse_options(int argc, char **argv, struct metrics_options *o)
{
	static const struct option longopts[] = {
		{ "textfile-dir", required_argument, NULL, 't' },
		{ "stdout", no_argument, NULL, 's' },
		{ "interval", required_argument, NULL, 'i' },
		{ "once", no_argument, NULL, '1' },
		{ "debugfs", required_argument, NULL, 'd' },
		{ "proc", required_argument, NULL, 'p' },
		{ "cgroup-root", required_argument, NULL, 'c' },
		{ "max-cgroups", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	unsigned long v;
	int c;

	*o = (struct metrics_options){
		.debugfs = LAGS_DEBUGFS_DIR, .proc = "/proc",
		.cgroup_root = CGROUP_ROOT_DIR, .max_cgroups = 4096,
	};
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 't': o->textfile_dir = optarg; break;
		case 's': o->to_stdout = 1; break;
		case 'i':
			if (parse_count("--interval", optarg, 86400, &v) < 0)
				return -1;
			if (v == 0) {
				fprintf(stderr, "lags-metrics: --interval must be at least 1\n");
				return -1;
			}
			o->interval = (unsigned)v;
			break;
		case '1': o->interval = 0; break;
		case 'd': o->debugfs = optarg; break;
		case 'p': o->proc = optarg; break;
		case 'c': o->cgroup_root = optarg; break;
		case 'm':
			if (parse_count("--max-cgroups", optarg, 1000000, &v) < 0)
				return -1;
			o->max_cgroups = v;
			break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "lags-metrics: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return -1;
	}
	if (!o->textfile_dir)
		o->to_stdout = 1;
	return 0;
}

/* Prints msg about a source when it differs from what was said last. */
static void note(char *last, size_t len, const char *msg)
{
	if (strcmp(last, msg) == 0)
		return;
	if (*msg)
		fprintf(stderr, "lags-metrics: %s\n", msg);
	snprintf(last, len, "%s", msg);
}

static void read_all(const struct metrics_options *o, struct metrics_readings *r,
		     struct source_notes *notes)
{
	char path[4096], err[512];
	int ret;

	memset(r, 0, sizeof(*r));
	err[0] = '\0';
	ret = lags_debugfs_read(o->debugfs, &r->lags, err, sizeof(err));
	r->have_lags = ret == 0;
	if (ret == 1)
		snprintf(err, sizeof(err), "%s does not exist: lags.ko is not loaded "
			 "(or debugfs is not mounted); publishing lags_module_loaded 0",
			 o->debugfs);
	note(notes->lags, sizeof(notes->lags), r->have_lags ? "" : err);

	snprintf(path, sizeof(path), "%s/schedstat", o->proc);
	r->have_schedstat = schedstat_read(path, &r->schedstat, err, sizeof(err)) == 0;
	note(notes->schedstat, sizeof(notes->schedstat), r->have_schedstat ? "" : err);

	snprintf(path, sizeof(path), "%s/stat", o->proc);
	r->have_ctxt = proc_stat_ctxt(path, &r->ctxt, err, sizeof(err)) == 0;
	note(notes->ctxt, sizeof(notes->ctxt), r->have_ctxt ? "" : err);

	r->have_cgroups = cgroup_cpu_stats_read(o->cgroup_root, o->max_cgroups,
						&r->cgroups, err, sizeof(err)) == 0;
	note(notes->cgroups, sizeof(notes->cgroups), r->have_cgroups ? "" : err);
}

static void free_all(struct metrics_readings *r)
{
	lags_debugfs_free(&r->lags);
	schedstat_free(&r->schedstat);
	cgroup_cpu_stats_free(&r->cgroups);
}

/*
 * DIR/lags.prom, replaced atomically: written to a temporary file in
 * DIR (same file system), flushed, then renamed over the old one, so a
 * reader sees the old or the new file, never a part.  0 or -1 (said why).
 */
static int write_textfile(const char *dir, const struct metrics_readings *r)
{
	char tmp[4096], dst[4096];
	FILE *f;
	int fd;

	if ((size_t)snprintf(dst, sizeof(dst), "%s/" TEXTFILE_NAME, dir) >= sizeof(dst) ||
	    (size_t)snprintf(tmp, sizeof(tmp), "%s/.lags.prom.XXXXXX", dir) >= sizeof(tmp)) {
		fprintf(stderr, "lags-metrics: --textfile-dir: path too long\n");
		return -1;
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		fprintf(stderr, "lags-metrics: cannot create a file in %s: %s\n",
			dir, strerror(errno));
		return -1;
	}
	f = fdopen(fd, "w");
	if (!f) {
		fprintf(stderr, "lags-metrics: %s: %s\n", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		return -1;
	}
	/* mkstemp makes 0600; node_exporter may run as another user. */
	if (fchmod(fd, 0644) < 0 || metrics_publish(f, r) < 0 || fflush(f) != 0 ||
	    fsync(fd) < 0) {
		fprintf(stderr, "lags-metrics: writing %s: %s\n", tmp, strerror(errno));
		fclose(f);
		unlink(tmp);
		return -1;
	}
	if (fclose(f) != 0) {
		fprintf(stderr, "lags-metrics: closing %s: %s\n", tmp, strerror(errno));
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, dst) < 0) {
		fprintf(stderr, "lags-metrics: rename %s to %s: %s\n", tmp, dst,
			strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

static int one_pass(const struct metrics_options *o, struct source_notes *notes)
{
	struct metrics_readings r;
	int ret = 0;

	read_all(o, &r, notes);
	if (o->textfile_dir && write_textfile(o->textfile_dir, &r) < 0)
		ret = -1;
	if (o->to_stdout && (metrics_publish(stdout, &r) < 0 || fflush(stdout) != 0)) {
		fprintf(stderr, "lags-metrics: writing to standard output: %s\n",
			strerror(errno));
		ret = -1;
	}
	free_all(&r);
	return ret;
}

int main(int argc, char **argv)
{
	struct metrics_options o;
	struct source_notes notes;
	sigset_t stop;

	memset(&notes, 0, sizeof(notes));
	if (parse_options(argc, argv, &o) < 0)
		return 2;
	if (!o.interval)
		return one_pass(&o, &notes) < 0 ? 1 : 0;

	/* The signals that end the loop are taken by sigtimedwait(), which
	 * is also the wait between passes: no handler, no shared flag. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &stop, NULL) < 0) {
		fprintf(stderr, "lags-metrics: sigprocmask: %s\n", strerror(errno));
		return 1;
	}
	for (;;) {
		struct timespec wait = { .tv_sec = o.interval };
		int sig;

		/* A failed pass is said on stderr; the next may work. */
		one_pass(&o, &notes);
		sig = sigtimedwait(&stop, NULL, &wait);
		if (sig > 0)
			return 0;
		if (errno != EAGAIN && errno != EINTR) {
			fprintf(stderr, "lags-metrics: sigtimedwait: %s\n", strerror(errno));
			return 1;
		}
	}
}
