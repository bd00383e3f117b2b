// SPDX-License-Identifier: GPL-2.0
/*
 * lags-wakeload: a small dense, wakeup-driven load for the LAGS guest tests.
 *
 * One worker process per cgroup ("function"), each in its own cpu cgroup
 * below --cgroot (created here, with +cpu enabled at every level).  A
 * dispatcher sends requests open loop (Poisson arrivals) through a pipe per
 * worker; a worker spins --work-us of CPU time per request and answers.
 * Optional --heavy N adds one group with N spinning threads (adversarial
 * mix); --churn makes light workers exit and be replaced, so that groups
 * keep arriving.
 *
 * SIGTERM or SIGINT ends the run early, as if --seconds had elapsed.
 * Prints one line of key=value pairs (and writes it as JSON with --json):
 * requests served, worker voluntary and involuntary switches, system-wide
 * context switches (/proc/stat ctxt, from the first request until every
 * worker has reported), latency p50/p99, and the largest
 * schedstats wait_max of any worker or heavy thread (needs
 * kernel.sched_schedstats=1).
 *
 * Built statically by scripts/selftests-build.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_GROUPS 1024
#define MAX_REQ (1 << 20)

struct reply {
	uint64_t sent_ns;	/* 0: final report */
	uint64_t done_ns;
	uint32_t worker;
	uint32_t kind;		/* 0 reply, 1 report */
	uint64_t nvcsw, nivcsw, served, wait_max_us;
};

static int groups = 32, depth = 1, seconds = 5, heavy, churn;
static double load = 0.9;
static long work_us = 2000;
static const char *cgroot = "/sys/fs/cgroup/lags-wl";
static const char *json;
static int req_fd[MAX_GROUPS][2], rep_fd[2];
static pid_t pids[MAX_GROUPS];

static uint64_t now_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	int ret;

	if (fd < 0)
		return -1;
	ret = write(fd, s, strlen(s)) == (ssize_t)strlen(s) ? 0 : -1;
	close(fd);
	return ret;
}

/* Create @dir/gI[/l1...] with +cpu at every level; return the leaf. */
static void make_group(char *leaf, size_t len, const char *name)
{
	char path[512], ctl[600];
	int d;

	snprintf(path, sizeof(path), "%s/%s", cgroot, name);
	mkdir(path, 0755);
	for (d = 1; d < depth; d++) {
		snprintf(ctl, sizeof(ctl), "%s/cgroup.subtree_control", path);
		write_str(ctl, "+cpu");
		strncat(path, "/l", sizeof(path) - strlen(path) - 1);
		mkdir(path, 0755);
	}
	snprintf(leaf, len, "%s", path);
}

static void join_group(const char *leaf)
{
	char ctl[600];

	snprintf(ctl, sizeof(ctl), "%s/cgroup.procs", leaf);
	if (write_str(ctl, "0")) {
		fprintf(stderr, "wakeload: cannot join %s: %s\n", leaf, strerror(errno));
		_exit(2);
	}
}

static uint64_t my_wait_max_us(const char *path)
{
	char line[256];
	FILE *f = fopen(path, "r");
	double ms = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char *p = strstr(line, "wait_max");

		if (p && (p = strchr(p, ':')))
			ms = atof(p + 1);
	}
	fclose(f);
	return (uint64_t)(ms * 1000);
}

static void spin_cpu(long us)
{
	uint64_t end = now_ns(CLOCK_THREAD_CPUTIME_ID) + us * 1000ull;

	while (now_ns(CLOCK_THREAD_CPUTIME_ID) < end)
		;
}

/* SIGUSR1 from the dispatcher: stop now, even with requests queued. */
static volatile sig_atomic_t worker_stop;

static void stop_worker(int sig)
{
	(void)sig;
	worker_stop = 1;
}

static void worker(int id)
{
	struct reply r = { .worker = id };
	struct sigaction sa = { .sa_handler = stop_worker };
	struct rusage ru;
	uint64_t sent;
	ssize_t n;

	sigset_t usr1;

	/* No SA_RESTART: a read() waiting for a request returns EINTR.
	 * SIGUSR1 came blocked from the dispatcher: one sent before this
	 * point is delivered now, not lost. */
	sigaction(SIGUSR1, &sa, NULL);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_UNBLOCK, &usr1, NULL);
	for (;;) {
		if (worker_stop)
			break;
		n = read(req_fd[id][0], &sent, sizeof(sent));
		if (n != sizeof(sent) || !sent || worker_stop)
			break;
		spin_cpu(work_us);
		r.sent_ns = sent;
		r.done_ns = now_ns(CLOCK_MONOTONIC);
		r.served++;
		if (write(rep_fd[1], &r, sizeof(r)) != sizeof(r))
			break;
		/* Churn: a light group leaves after a few requests. */
		if (churn && r.served >= (uint64_t)churn)
			break;
	}
	getrusage(RUSAGE_SELF, &ru);
	r.kind = 1;
	r.nvcsw = ru.ru_nvcsw;
	r.nivcsw = ru.ru_nivcsw;
	r.wait_max_us = my_wait_max_us("/proc/self/sched");
	if (write(rep_fd[1], &r, sizeof(r)) != sizeof(r))
		_exit(1);
	_exit(0);
}

static pid_t spawn_worker(int id)
{
	char leaf[512], name[32];
	pid_t pid;

	if (req_fd[id][1] > 0)
		close(req_fd[id][1]);
	if (pipe(req_fd[id]))
		exit(2);
	snprintf(name, sizeof(name), "g%d", id);
	make_group(leaf, sizeof(leaf), name);
	pid = fork();
	if (pid == 0) {
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		close(req_fd[id][1]);
		join_group(leaf);
		worker(id);
	}
	close(req_fd[id][0]);
	req_fd[id][0] = -1;
	/* The dispatcher never blocks on a worker: a full pipe drops. */
	fcntl(req_fd[id][1], F_SETFL, O_NONBLOCK);
	return pid;
}

static volatile int heavy_stop;
/* SIGTERM/SIGINT: end the run now, as if --seconds had elapsed. */
static volatile sig_atomic_t stop_requested;

static void request_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}
static uint64_t heavy_last, heavy_gap_max;

/*
 * Spin, and track the longest time in which no thread of the heavy group
 * made progress: the group's own wait (its threads share its turns, so a
 * thread's wait_max can be longer than the group's).
 */
static void *heavy_thread(void *arg)
{
	(void)arg;
	while (!heavy_stop) {
		uint64_t t = now_ns(CLOCK_MONOTONIC);
		uint64_t last = __atomic_load_n(&heavy_last, __ATOMIC_RELAXED);
		uint64_t max;

		/*
		 * Only move heavy_last forward: a thread preempted between
		 * reading the clock and storing it must not store a stale
		 * time (the other thread ran meanwhile).
		 */
		do {
			if (t <= last)
				break;
		} while (!__atomic_compare_exchange_n(&heavy_last, &last, t, 0,
						      __ATOMIC_RELAXED, __ATOMIC_RELAXED));
		if (!last || t <= last)
			continue;
		max = __atomic_load_n(&heavy_gap_max, __ATOMIC_RELAXED);
		while (t - last > max &&
		       !__atomic_compare_exchange_n(&heavy_gap_max, &max, t - last, 0,
						    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
			;
	}
	return NULL;
}

static void heavy_group(int rfd)
{
	pthread_t t[64];
	char leaf[512], c;
	int i;

	make_group(leaf, sizeof(leaf), "heavy");
	join_group(leaf);
	for (i = 0; i < heavy && i < 64; i++)
		pthread_create(&t[i], NULL, heavy_thread, NULL);
	/* Wait for the dispatcher to close the pipe. */
	while (read(rfd, &c, 1) > 0)
		;
	heavy_stop = 1;
	for (i = 0; i < heavy && i < 64; i++)
		pthread_join(t[i], NULL);
	{
		struct reply r = { .kind = 2, .wait_max_us = heavy_gap_max / 1000 };

		if (write(rep_fd[1], &r, sizeof(r)) != sizeof(r))
			_exit(1);
	}
	_exit(0);
}

static uint64_t proc_stat_ctxt(void)
{
	char line[256];
	unsigned long long v = 0;
	FILE *f = fopen("/proc/stat", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "ctxt %llu", &v) == 1)
			break;
	fclose(f);
	return v;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Largest wait_max over the threads of @pid (the heavy group). */
static uint64_t threads_wait_max_us(pid_t pid)
{
	char path[320], dir[32];
	uint64_t w, max = 0;
	struct dirent *de;
	DIR *d;

	snprintf(dir, sizeof(dir), "/proc/%d/task", pid);
	d = opendir(dir);
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/sched", dir, de->d_name);
		w = my_wait_max_us(path);
		if (w > max)
			max = w;
	}
	closedir(d);
	return max;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: lags-wakeload [--groups N] [--depth D] [--seconds S] [--load L]\n"
		"         [--work-us US] [--heavy THREADS] [--churn REQS] [--cgroot DIR] [--json FILE]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	uint64_t start, end, next, ctxt0, ctxt1, nvcsw = 0, nivcsw = 0;
	uint64_t served = 0, wait_max = 0, heavy_wait = 0, heavy_gap = 0, *lat;
	int ncpu = sysconf(_SC_NPROCESSORS_ONLN), i, alive, hpipe[2] = { -1, -1 };
	size_t nlat = 0;
	double rate;
	pid_t hpid = 0;
	char ctl[600], out[1024];
	sigset_t usr1;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!v)
			usage();
		if (!strcmp(a, "--groups") || !strcmp(a, "--functions"))
			groups = atoi(v);
		else if (!strcmp(a, "--depth"))
			depth = atoi(v);
		else if (!strcmp(a, "--seconds"))
			seconds = atoi(v);
		else if (!strcmp(a, "--load"))
			load = atof(v);
		else if (!strcmp(a, "--work-us"))
			work_us = atol(v);
		else if (!strcmp(a, "--heavy"))
			heavy = atoi(v);
		else if (!strcmp(a, "--churn"))
			churn = atoi(v);
		else if (!strcmp(a, "--cgroot"))
			cgroot = v;
		else if (!strcmp(a, "--json"))
			json = v;
		else
			usage();
		i++;
	}
	if (groups < 1 || groups > MAX_GROUPS || depth < 1 || depth > 8 || work_us < 1)
		usage();

	mkdir(cgroot, 0755);
	snprintf(ctl, sizeof(ctl), "%s/cgroup.subtree_control", cgroot);
	if (write_str(ctl, "+cpu")) {
		fprintf(stderr, "wakeload: cannot enable +cpu in %s\n", cgroot);
		return 2;
	}
	lat = calloc(MAX_REQ, sizeof(*lat));
	if (!lat || pipe(rep_fd))
		return 2;
	signal(SIGPIPE, SIG_IGN);

	if (heavy) {
		if (pipe(hpipe))
			return 2;
		hpid = fork();
		if (!hpid) {
			close(hpipe[1]);
			heavy_group(hpipe[0]);
		}
		close(hpipe[0]);
	}
	/* Workers unblock SIGUSR1 once they handle it (see worker()). */
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	for (i = 0; i < groups; i++)
		pids[i] = spawn_worker(i);
	alive = groups;
	/* Workers keep the default action (spawn_worker resets it). */
	signal(SIGTERM, request_stop);
	signal(SIGINT, request_stop);

	/* Dispatcher: Poisson arrivals, uniformly random function. */
	rate = load * ncpu * 1e6 / work_us;
	srand48(42);
	ctxt0 = proc_stat_ctxt();
	start = now_ns(CLOCK_MONOTONIC);
	end = start + seconds * 1000000000ull;
	next = start;
	fcntl(rep_fd[0], F_SETFL, O_NONBLOCK);
	for (;;) {
		uint64_t t = now_ns(CLOCK_MONOTONIC);
		struct reply r;

		if (stop_requested)
			end = t;
		while (read(rep_fd[0], &r, sizeof(r)) == sizeof(r)) {
			if (r.kind == 0) {
				if (nlat < MAX_REQ)
					lat[nlat++] = r.done_ns - r.sent_ns;
				continue;
			}
			nvcsw += r.nvcsw;
			nivcsw += r.nivcsw;
			served += r.served;
			if (r.wait_max_us > wait_max)
				wait_max = r.wait_max_us;
			/* A churned worker left: replace it by a fresh group. */
			waitpid(pids[r.worker], NULL, 0);
			if (t < end) {
				pids[r.worker] = spawn_worker(r.worker);
			} else {
				pids[r.worker] = 0;
				alive--;
			}
		}
		if (t >= end)
			break;
		while (next <= t) {
			int w = lrand48() % groups;

			/* A full pipe or a churned worker drops the request. */
			(void)!write(req_fd[w][1], &next, sizeof(next));
			next += (uint64_t)(-log(1.0 - drand48()) / rate * 1e9);
		}
		{
			struct timespec ts = { .tv_sec = next / 1000000000ull,
					       .tv_nsec = next % 1000000000ull };

			clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
		}
	}
	if (hpid) {
		heavy_wait = threads_wait_max_us(hpid);
		close(hpipe[1]);
		alive++;		/* its final report comes with the workers' */
	}

	/* Stop workers: a zero request behind the queued ones; SIGUSR1
	 * (stop now) when the pipe is full or the run was stopped by a
	 * signal.  Then collect their reports. */
	for (i = 0; i < groups; i++) {
		uint64_t zero = 0;
		int queued = write(req_fd[i][1], &zero, sizeof(zero)) == sizeof(zero);

		close(req_fd[i][1]);
		if (pids[i] > 0 && (!queued || stop_requested))
			kill(pids[i], SIGUSR1);
	}
	fcntl(rep_fd[0], F_SETFL, 0);
	while (alive > 0) {
		struct reply r;

		if (read(rep_fd[0], &r, sizeof(r)) != sizeof(r))
			break;
		if (r.kind == 0) {
			if (nlat < MAX_REQ)
				lat[nlat++] = r.done_ns - r.sent_ns;
			continue;
		}
		if (r.kind == 2) {
			heavy_gap = r.wait_max_us;
			alive--;
			continue;
		}
		nvcsw += r.nvcsw;
		nivcsw += r.nivcsw;
		served += r.served;
		if (r.wait_max_us > wait_max)
			wait_max = r.wait_max_us;
		alive--;
	}
	while (wait(NULL) > 0)
		;
	/* All requests sent have been served (or dropped): the whole run. */
	ctxt1 = proc_stat_ctxt();

	qsort(lat, nlat, sizeof(*lat), cmp_u64);
	snprintf(out, sizeof(out),
		 "{\"groups\": %d, \"depth\": %d, \"seconds\": %d, \"load\": %.2f, "
		 "\"work_us\": %ld, \"requests\": %llu, \"nvcsw\": %llu, \"nivcsw\": %llu, "
		 "\"ctxt\": %llu, \"p50_us\": %llu, \"p99_us\": %llu, "
		 "\"wait_max_us\": %llu, \"heavy_wait_max_us\": %llu, "
		 "\"heavy_gap_max_us\": %llu}",
		 groups, depth, seconds, load, work_us,
		 (unsigned long long)served, (unsigned long long)nvcsw,
		 (unsigned long long)nivcsw,
		 (unsigned long long)(ctxt1 - ctxt0),
		 (unsigned long long)(nlat ? lat[nlat / 2] / 1000 : 0),
		 (unsigned long long)(nlat ? lat[nlat * 99 / 100] / 1000 : 0),
		 (unsigned long long)wait_max, (unsigned long long)heavy_wait,
		 (unsigned long long)heavy_gap);
	printf("requests=%llu nvcsw=%llu nivcsw=%llu ctxt=%llu p50_us=%llu p99_us=%llu "
	       "wait_max_us=%llu heavy_wait_max_us=%llu heavy_gap_max_us=%llu\n",
	       (unsigned long long)served, (unsigned long long)nvcsw,
	       (unsigned long long)nivcsw, (unsigned long long)(ctxt1 - ctxt0),
	       (unsigned long long)(nlat ? lat[nlat / 2] / 1000 : 0),
	       (unsigned long long)(nlat ? lat[nlat * 99 / 100] / 1000 : 0),
	       (unsigned long long)wait_max, (unsigned long long)heavy_wait,
	       (unsigned long long)heavy_gap);
	if (json) {
		FILE *f = fopen(json, "w");

		if (f) {
			fprintf(f, "%s\n", out);
			fclose(f);
		}
	}
	return 0;
}
