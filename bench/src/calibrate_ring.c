// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>
#include "calibrate_ring.h"
#include "cgroup_tree.h"
#include "clock.h"

/* The descriptors of one run; -1 where closed. */
struct ring_fds {
	int (*pipes)[2];	/* token pipe into process i */
	unsigned n_pipes;
	int ready[2];		/* each process writes one byte when set up */
	int signals;		/* signalfd: stop signals and SIGCHLD */
};

/* One request: passes over the working set, one write per cache line. */
static void run_request(volatile unsigned char *working_set, size_t bytes,
			unsigned passes)
{
	for (unsigned p = 0; p < passes; p++)
		for (size_t off = 0; off < bytes; off += RING_REQUEST_STRIDE)
			working_set[off]++;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void close_all(struct ring_fds *fds)
{
	for (unsigned i = 0; i < fds->n_pipes; i++) {
		close_fd(&fds->pipes[i][0]);
		close_fd(&fds->pipes[i][1]);
	}
	close_fd(&fds->ready[0]);
	close_fd(&fds->ready[1]);
	close_fd(&fds->signals);
}

static int read_full(int fd, void *buf, size_t len)
{
	ssize_t n;

	do
		n = read(fd, buf, len);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)len ? 0 : -1;
}

static int write_full(int fd, const void *buf, size_t len)
{
	ssize_t n;

	do
		n = write(fd, buf, len);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)len ? 0 : -1;
}

/* Pinning, cgroup, working set; then one byte on the ready pipe. */
static unsigned char *child_setup(const struct ring_config *config,
				  unsigned index, int ready_fd, size_t bytes)
{
	unsigned char *working_set;
	char err[512];
	cpu_set_t cpus;

	CPU_ZERO(&cpus);
	CPU_SET(config->cpu, &cpus);
	if (sched_setaffinity(0, sizeof(cpus), &cpus)) {
		fprintf(stderr, "lags-calibrate: process %u: pin to CPU %d: %s\n",
			index, config->cpu, strerror(errno));
		return NULL;
	}
	if (config->group_dirs && config->group_dirs[index] &&
	    cgroup_join(config->group_dirs[index], err, sizeof(err))) {
		fprintf(stderr, "lags-calibrate: process %u: join cgroup: %s\n",
			index, err);
		return NULL;
	}
	working_set = aligned_alloc(4096, bytes);
	if (!working_set) {
		fprintf(stderr, "lags-calibrate: process %u: working set of %zu "
			"bytes: out of memory\n", index, bytes);
		return NULL;
	}
	memset(working_set, 1, bytes);
	if (write_full(ready_fd, "r", 1)) {
		fprintf(stderr, "lags-calibrate: process %u: ready pipe: %s\n",
			index, strerror(errno));
		return NULL;
	}
	return working_set;
}

/* The body of process index; returns its exit status. */
static int child_main(const struct ring_config *config, unsigned index,
		      struct ring_fds *fds, struct ring_sample *samples)
{
	size_t bytes = (size_t)config->working_set_kib * 1024;
	unsigned turns = config->warmup + config->reps;
	unsigned n = config->processes;
	int in = -1, out = -1, ready = fds->ready[1];
	unsigned char *working_set;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	close_fd(&fds->signals);
	close_fd(&fds->ready[0]);
	for (unsigned i = 0; i < fds->n_pipes; i++) {
		if (i == index) {
			in = fds->pipes[i][0];
			fds->pipes[i][0] = -1;
		}
		if (i == (index + 1) % n) {
			out = fds->pipes[i][1];
			fds->pipes[i][1] = -1;
		}
	}
	fds->ready[1] = -1;
	close_all(fds);		/* all but in, out and ready */
	working_set = child_setup(config, index, ready, bytes);
	close_fd(&ready);
	if (!working_set)
		return 1;
	for (unsigned t = 0; t < turns; t++) {
		uint64_t token = 0, received = 0, start, end;

		if (!config->back_to_back) {
			if (read_full(in, &token, sizeof(token)))
				return 1;	/* a neighbour died: parent reports */
			received = monotonic_ns();
		}
		start = thread_cpu_ns();
		run_request(working_set, bytes, config->passes);
		end = thread_cpu_ns();
		if (t >= config->warmup) {
			struct ring_sample *s =
				&samples[(size_t)index * config->reps + t - config->warmup];

			s->request_cpu_ns = end - start;
			s->handoff_ns = config->back_to_back ? 0 : received - token;
		}
		if (config->back_to_back || (index == n - 1 && t == turns - 1))
			continue;
		token = monotonic_ns();
		if (write_full(out, &token, sizeof(token)))
			return 1;
	}
	return 0;
}

/* Kills and reaps every process still running. */
static void kill_all(pid_t *pids, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (pids[i] > 0)
			kill(pids[i], SIGKILL);
	for (unsigned i = 0; i < n; i++)
		if (pids[i] > 0) {
			while (waitpid(pids[i], NULL, 0) < 0 && errno == EINTR)
				;
			pids[i] = 0;
		}
}

/* Reaps exited processes; -1 with err when one failed. */
static int reap(pid_t *pids, unsigned n, unsigned *running, char *err,
		size_t errlen)
{
	for (unsigned i = 0; i < n; i++) {
		int status;
		pid_t got;

		if (pids[i] <= 0)
			continue;
		got = waitpid(pids[i], &status, WNOHANG);
		if (got == 0)
			continue;
		pids[i] = 0;
		(*running)--;
		if (got < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
			snprintf(err, errlen, "measuring process %u of %u %s %d", i, n,
				 got > 0 && WIFSIGNALED(status) ?
				 "was killed by signal" : "exited with status",
				 got > 0 && WIFSIGNALED(status) ? WTERMSIG(status) :
				 got > 0 ? WEXITSTATUS(status) : -1);
			return -1;
		}
	}
	return 0;
}

/*
 * Waits for readiness, starts the token, waits for the end.  0, or -1
 * with err (and *stopped on a stop signal).
 */
static int supervise(const struct ring_config *config, struct ring_fds *fds,
		     pid_t *pids, int *stopped, char *err, size_t errlen)
{
	unsigned n = config->processes, running = n, ready = 0;

	while (running) {
		struct pollfd polls[2] = {
			{ .fd = fds->signals, .events = POLLIN },
			{ .fd = fds->ready[0], .events = POLLIN },
		};
		struct signalfd_siginfo info;

		if (poll(polls, fds->ready[0] >= 0 ? 2 : 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "poll: %s", strerror(errno));
			return -1;
		}
		if (polls[0].revents & POLLIN) {
			if (read_full(fds->signals, &info, sizeof(info)) == 0 &&
			    info.ssi_signo != SIGCHLD) {
				*stopped = (int)info.ssi_signo;
				snprintf(err, errlen, "interrupted by %s",
					 strsignal(*stopped));
				return -1;
			}
			if (reap(pids, n, &running, err, errlen))
				return -1;
		}
		if (fds->ready[0] >= 0 && (polls[1].revents & (POLLIN | POLLHUP))) {
			char byte;

			if (read(fds->ready[0], &byte, 1) == 1 && ++ready < n)
				continue;
			close_fd(&fds->ready[0]);
			if (ready < n)
				continue;	/* a process failed: SIGCHLD says which */
			if (!config->back_to_back) {
				uint64_t token = monotonic_ns();

				if (write_full(fds->pipes[0][1], &token, sizeof(token))) {
					snprintf(err, errlen, "start token: %s",
						 strerror(errno));
					return -1;
				}
				close_fd(&fds->pipes[0][1]);
			}
		}
	}
	return 0;
}

static int open_fds(const struct ring_config *config, struct ring_fds *fds,
		    char *err, size_t errlen)
{
	sigset_t mask = *config->stop_signals;

	fds->ready[0] = fds->ready[1] = fds->signals = -1;
	fds->n_pipes = 0;
	fds->pipes = calloc(config->processes, sizeof(*fds->pipes));
	if (!fds->pipes) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (!config->back_to_back)
		for (; fds->n_pipes < config->processes; fds->n_pipes++)
			if (pipe2(fds->pipes[fds->n_pipes], O_CLOEXEC)) {
				snprintf(err, errlen, "pipe: %s", strerror(errno));
				return -1;
			}
	if (pipe2(fds->ready, O_CLOEXEC)) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	sigaddset(&mask, SIGCHLD);
	fds->signals = signalfd(-1, &mask, SFD_CLOEXEC);
	if (fds->signals < 0) {
		snprintf(err, errlen, "signalfd: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int ring_run(const struct ring_config *config, struct ring_sample *samples,
	     int *stopped, char *err, size_t errlen)
{
	size_t shared_bytes = (size_t)config->processes * config->reps *
			      sizeof(*samples);
	unsigned n = config->processes;
	struct ring_fds fds = { 0 };
	sigset_t chld, old;
	struct ring_sample *shared;
	pid_t *pids;
	int ret = -1;

	*stopped = 0;
	if (n == 0 || (config->back_to_back && n != 1) || !config->reps ||
	    !config->working_set_kib || !config->passes) {
		snprintf(err, errlen, "ring_run: bad configuration");
		return -1;
	}
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &old);
	pids = calloc(n, sizeof(*pids));
	shared = mmap(NULL, shared_bytes, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!pids || shared == MAP_FAILED) {
		snprintf(err, errlen, "out of memory for %u processes", n);
		shared = MAP_FAILED;
		goto out;
	}
	if (open_fds(config, &fds, err, errlen))
		goto out;
	for (unsigned i = 0; i < n; i++) {
		pids[i] = fork();
		if (pids[i] < 0) {
			snprintf(err, errlen, "fork of process %u: %s", i,
				 strerror(errno));
			pids[i] = 0;
			goto out;
		}
		if (pids[i] == 0)
			_exit(child_main(config, i, &fds, shared));
	}
	close_fd(&fds.ready[1]);
	for (unsigned i = 0; i < fds.n_pipes; i++) {
		close_fd(&fds.pipes[i][0]);
		if (i)
			close_fd(&fds.pipes[i][1]);
	}
	if (supervise(config, &fds, pids, stopped, err, errlen))
		goto out;
	memcpy(samples, shared, shared_bytes);
	ret = 0;
out:
	if (pids)
		kill_all(pids, n);
	close_all(&fds);
	free(fds.pipes);
	free(pids);
	if (shared != MAP_FAILED)
		munmap(shared, shared_bytes);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return ret;
}
