// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "cgroup_tree.h"
#include "clock.h"
#include "function_process.h"

#define CACHE_LINE 64
#define LINES_PER_CLOCK_CHECK 64
#define WORKER_STACK_BYTES (256 * 1024)

struct worker_context {
	struct worker_slot *slot;
	_Atomic int *abandon;
	int request_fd;
	int completion_fd;		/* -1 in open loop */
	uint32_t function;
	uint64_t slo_ns;
	size_t working_set_bytes;
};

struct worker_slot *function_slot(const struct function_set *set,
				  unsigned function, unsigned worker)
{
	return &set->slots[(size_t)function * set->workers + worker];
}

/* Burns service_ns of this thread's CPU time, touching the working set. */
static void burn(uint64_t service_ns, unsigned char *working_set,
		 size_t bytes, size_t *cursor, _Atomic int *abandon)
{
	uint64_t start = thread_cpu_ns();
	volatile uint64_t sink = 0;

	for (;;) {
		for (int i = 0; i < LINES_PER_CLOCK_CHECK; i++) {
			if (bytes) {
				working_set[*cursor]++;
				*cursor += CACHE_LINE;
				if (*cursor >= bytes)
					*cursor = 0;
			} else {
				sink = sink * 6364136223846793005ULL + 1;
			}
		}
		if (thread_cpu_ns() - start >= service_ns ||
		    atomic_load_explicit(abandon, memory_order_relaxed))
			return;
	}
}

static void *worker_main(void *arg)
{
	struct worker_context *ctx = arg;
	struct request_message message;
	unsigned char *working_set = NULL;
	size_t cursor = 0;

	if (ctx->working_set_bytes) {
		working_set = malloc(ctx->working_set_bytes);
		if (!working_set) {
			fprintf(stderr, "function %u: working set: out of memory\n",
				ctx->function);
			return NULL;
		}
		memset(working_set, 1, ctx->working_set_bytes);
	}
	for (;;) {
		ssize_t n = read(ctx->request_fd, &message, sizeof(message));
		uint64_t done, latency;

		if (n < 0 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof(message))
			break;		/* EOF: the run is over */
		if (atomic_load_explicit(ctx->abandon, memory_order_relaxed))
			break;
		burn(message.service_ns, working_set, ctx->working_set_bytes,
		     &cursor, ctx->abandon);
		done = monotonic_ns();
		latency = done > message.intended_ns ? done - message.intended_ns : 0;
		hist_record(&ctx->slot->latency, latency);
		if (latency <= ctx->slo_ns)
			ctx->slot->within_slo++;
		atomic_fetch_add_explicit(&ctx->slot->completed, 1,
					  memory_order_relaxed);
		if (ctx->completion_fd >= 0 &&
		    write(ctx->completion_fd, &ctx->function,
			  sizeof(ctx->function)) < 0 && errno != EAGAIN)
			break;
	}
	ctx->slot->cpu_ns = thread_cpu_ns();
	free(working_set);
	return NULL;
}

static void close_other_fds(const struct function_set *set, unsigned keep,
			    int request_read[], unsigned started)
{
	for (unsigned i = 0; i < set->functions; i++) {
		if (set->request_fd[i] >= 0)
			close(set->request_fd[i]);
		if (i != keep && i >= started && request_read[i] >= 0)
			close(request_read[i]);
	}
	if (set->completion_fd >= 0)
		close(set->completion_fd);
}

/* The body of function process `index`; never returns. */
static void function_main(struct function_set *set,
			  const struct function_config *config, unsigned index,
			  int request_fd, int completion_fd, int ready_fd)
{
	struct worker_context *contexts;
	pthread_t *threads;
	pthread_attr_t attr;
	char err[512], status = 'R';

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1)
		_exit(1);
	if (config->cgroup_dirs && config->cgroup_dirs[index] &&
	    cgroup_join(config->cgroup_dirs[index], err, sizeof(err))) {
		fprintf(stderr, "function %u: joining its cgroup: %s\n", index, err);
		status = 'E';
		if (write(ready_fd, &status, 1) < 0)
			_exit(1);
		_exit(1);
	}
	contexts = calloc(config->workers, sizeof(*contexts));
	threads = calloc(config->workers, sizeof(*threads));
	if (!contexts || !threads) {
		fprintf(stderr, "function %u: out of memory\n", index);
		_exit(1);
	}
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, WORKER_STACK_BYTES);
	for (unsigned w = 0; w < config->workers; w++) {
		contexts[w] = (struct worker_context) {
			.slot = function_slot(set, index, w),
			.abandon = set->abandon,
			.request_fd = request_fd,
			.completion_fd = completion_fd,
			.function = index,
			.slo_ns = config->slo_ns,
			.working_set_bytes = (size_t)config->working_set_kib * 1024,
		};
		if (pthread_create(&threads[w], &attr, worker_main, &contexts[w])) {
			fprintf(stderr, "function %u: cannot start worker %u\n",
				index, w);
			status = 'E';
			break;
		}
	}
	if (write(ready_fd, &status, 1) != 1 || status != 'R')
		_exit(1);
	close(ready_fd);
	for (unsigned w = 0; w < config->workers; w++)
		pthread_join(threads[w], NULL);
	_exit(0);
}

static int make_pipe(int fds[2], char *err, size_t errlen, const char *what)
{
	if (pipe2(fds, O_CLOEXEC)) {
		snprintf(err, errlen, "pipe for %s: %s (raise the open file limit?)",
			 what, strerror(errno));
		return -1;
	}
	return 0;
}

static int wait_ready(int ready_fd, unsigned started, char *err, size_t errlen)
{
	uint64_t deadline = monotonic_ns() + SETUP_TIMEOUT_NS;
	unsigned ready = 0;

	while (ready < started) {
		struct pollfd pfd = { .fd = ready_fd, .events = POLLIN };
		char status[256];
		ssize_t n;
		uint64_t now = monotonic_ns();

		if (now >= deadline) {
			snprintf(err, errlen, "only %u of %u functions got ready",
				 ready, started);
			return -1;
		}
		if (poll(&pfd, 1, (int)((deadline - now) / 1000000 + 1)) <= 0)
			continue;
		n = read(ready_fd, status, sizeof(status));
		if (n <= 0) {
			snprintf(err, errlen, "functions died while starting");
			return -1;
		}
		for (ssize_t i = 0; i < n; i++) {
			if (status[i] != 'R') {
				snprintf(err, errlen, "a function failed to start "
					 "(its message is above)");
				return -1;
			}
			ready++;
		}
	}
	return 0;
}

static int alloc_set(struct function_set *set, const struct function_config *config)
{
	size_t slots = (size_t)config->functions * config->workers;

	memset(set, 0, sizeof(*set));
	set->functions = config->functions;
	set->workers = config->workers;
	set->completion_fd = -1;
	set->shared_bytes = slots * sizeof(struct worker_slot) + CACHE_LINE;
	set->slots = mmap(NULL, set->shared_bytes, PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (set->slots == MAP_FAILED) {
		set->slots = NULL;
		return -1;
	}
	set->abandon = (_Atomic int *)((char *)set->slots +
				       slots * sizeof(struct worker_slot));
	for (size_t i = 0; i < slots; i++)
		hist_init(&set->slots[i].latency);
	set->request_fd = calloc(config->functions, sizeof(*set->request_fd));
	set->pids = calloc(config->functions, sizeof(*set->pids));
	set->usage = calloc(config->functions, sizeof(*set->usage));
	set->exit_status = calloc(config->functions, sizeof(*set->exit_status));
	if (!set->request_fd || !set->pids || !set->usage || !set->exit_status)
		return -1;
	for (unsigned i = 0; i < config->functions; i++)
		set->request_fd[i] = -1;
	return 0;
}

int function_set_start(struct function_set *set,
		       const struct function_config *config,
		       char *err, size_t errlen)
{
	int *request_read, completion[2] = { -1, -1 }, ready[2], fds[2];
	unsigned started = 0;

	if (alloc_set(set, config)) {
		snprintf(err, errlen, "out of memory for %u functions",
			 config->functions);
		return -1;
	}
	request_read = calloc(config->functions, sizeof(*request_read));
	if (!request_read) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (make_pipe(ready, err, errlen, "start-up"))
		goto fail_early;
	if (config->closed_loop) {
		if (make_pipe(completion, err, errlen, "completions"))
			goto fail_early;
		/* Workers must never block on a dispatcher that has stopped. */
		fcntl(completion[0], F_SETFL, O_NONBLOCK);
		fcntl(completion[1], F_SETFL, O_NONBLOCK);
		fcntl(completion[0], F_SETPIPE_SZ, REQUEST_PIPE_BYTES);
		set->completion_fd = completion[0];
	}
	for (unsigned i = 0; i < config->functions; i++) {
		pid_t pid;

		if (make_pipe(fds, err, errlen, "requests"))
			goto fail;
		fcntl(fds[1], F_SETPIPE_SZ, REQUEST_PIPE_BYTES);
		fcntl(fds[1], F_SETFL, O_NONBLOCK);
		request_read[i] = fds[0];
		set->request_fd[i] = fds[1];
		pid = fork();
		if (pid < 0) {
			snprintf(err, errlen, "fork of function %u: %s", i,
				 strerror(errno));
			goto fail;
		}
		if (pid == 0) {
			close(ready[0]);
			close_other_fds(set, i, request_read, 0);
			function_main(set, config, i, fds[0], completion[1], ready[1]);
		}
		set->pids[i] = pid;
		started++;
		close(fds[0]);
		request_read[i] = -1;
	}
	close(ready[1]);
	if (completion[1] >= 0)
		close(completion[1]);
	completion[1] = -1;
	if (wait_ready(ready[0], started, err, errlen))
		goto fail_started;
	close(ready[0]);
	free(request_read);
	return 0;
fail:
	close(ready[1]);
	if (completion[1] >= 0)
		close(completion[1]);
fail_started:
	close(ready[0]);
	free(request_read);
	function_set_abandon(set);
	function_set_close_requests(set);
	function_set_wait(set, 5ULL * 1000000000ULL);
	return -1;
fail_early:
	free(request_read);
	return -1;
}

int function_send(struct function_set *set, unsigned function,
		  const struct request_message *message)
{
	ssize_t n = write(set->request_fd[function], message, sizeof(*message));

	if (n == (ssize_t)sizeof(*message))
		return 0;
	if (n < 0 && errno == EAGAIN)
		return 1;
	return -1;
}

uint64_t function_set_completed(const struct function_set *set)
{
	uint64_t total = 0;

	for (size_t i = 0; i < (size_t)set->functions * set->workers; i++)
		total += atomic_load_explicit(&set->slots[i].completed,
					      memory_order_relaxed);
	return total;
}

void function_set_close_requests(struct function_set *set)
{
	for (unsigned i = 0; i < set->functions; i++) {
		if (set->request_fd[i] >= 0)
			close(set->request_fd[i]);
		set->request_fd[i] = -1;
	}
}

void function_set_abandon(struct function_set *set)
{
	atomic_store(set->abandon, 1);
}

int function_set_wait(struct function_set *set, uint64_t timeout_ns)
{
	uint64_t deadline = monotonic_ns() + timeout_ns;
	struct timespec pause = { 0, 5 * 1000 * 1000 };
	unsigned left = 0, failed = 0;
	int killed = 0;

	for (unsigned i = 0; i < set->functions; i++)
		left += set->pids[i] > 0;
	while (left) {
		int status;
		struct rusage usage;
		pid_t pid = wait4(-1, &status, WNOHANG, &usage);

		if (pid > 0) {
			for (unsigned i = 0; i < set->functions; i++) {
				if (set->pids[i] != pid)
					continue;
				set->usage[i] = usage;
				set->exit_status[i] = status;
				set->pids[i] = -pid;
				if (!WIFEXITED(status) || WEXITSTATUS(status))
					failed++;
				left--;
			}
			continue;
		}
		if (pid < 0 && errno == ECHILD)
			break;
		if (!killed && monotonic_ns() > deadline) {
			for (unsigned i = 0; i < set->functions; i++)
				if (set->pids[i] > 0)
					kill(set->pids[i], SIGKILL);
			killed = 1;
		}
		nanosleep(&pause, NULL);
	}
	return (int)failed;
}

void function_set_free(struct function_set *set)
{
	if (set->request_fd)
		function_set_close_requests(set);
	if (set->completion_fd >= 0)
		close(set->completion_fd);
	if (set->slots)
		munmap(set->slots, set->shared_bytes);
	free(set->request_fd);
	free(set->pids);
	free(set->usage);
	free(set->exit_status);
	memset(set, 0, sizeof(*set));
	set->completion_fd = -1;
}
