// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
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

/* State of one function process shared by its workers. */
struct function_state {
	pthread_mutex_t lock;		/* guards stream */
	struct function_stream stream;	/* self-timed only */
	int self_timed;
	int stream_done;		/* no more arrivals in the window */
	sem_t initialised;		/* posted by each worker once set up */
	_Atomic int failed;		/* a worker could not set up */
};

struct worker_context {
	struct worker_slot *slot;
	struct function_set *set;
	struct function_state *state;
	const struct request_shape *shape;
	int request_fd;
	int go_fd;			/* EOF starts the window */
	int stop_fd;			/* EOF: the run is abandoned */
	int completion_fd;		/* -1 in open loop */
	uint32_t function;
	uint64_t slo_ns;
	size_t working_set_bytes;
	struct rng io_rng;
	struct fanout *fanout;		/* NULL: no fan-out */
};

/* A function thread's CPU work: its working set and where it is. */
struct burner {
	unsigned char *working_set;
	size_t bytes, cursor;
	struct handover_tags *tags;
	unsigned function;
	double handover_cost_ns;
	uint64_t handovers, charged_ns;
	_Atomic int *abandon;
};

/* A thread's switches and CPU time since it started measuring. */
struct thread_account {
	struct rusage start;
	uint64_t start_cpu_ns;
	uint64_t voluntary, involuntary, cpu_ns;
};

/* Helper threads of one worker for fan-out; the worker is thread 0. */
struct fanout {
	unsigned helpers;
	pthread_t *threads;
	struct fanout_helper *helper;
	sem_t done;
};

struct fanout_helper {
	struct fanout *fanout;
	struct burner burner;
	struct thread_account account;
	sem_t go;
	uint64_t share_ns;		/* set before go is posted */
	int stop;
	int finished;			/* the last burst ran to its end */
};

struct worker_slot *function_slot(const struct function_set *set,
				  unsigned function, unsigned worker)
{
	return &set->slots[(size_t)function * set->workers + worker];
}

static void account_start(struct thread_account *a)
{
	memset(a, 0, sizeof(*a));
	getrusage(RUSAGE_THREAD, &a->start);
	a->start_cpu_ns = thread_cpu_ns();
}

static void account_stop(struct thread_account *a)
{
	struct rusage now;

	getrusage(RUSAGE_THREAD, &now);
	a->voluntary = (uint64_t)(now.ru_nvcsw - a->start.ru_nvcsw);
	a->involuntary = (uint64_t)(now.ru_nivcsw - a->start.ru_nivcsw);
	a->cpu_ns = thread_cpu_ns() - a->start_cpu_ns;
}

static int on_cpu_handover(struct burner *b)
{
	int cpu = sched_getcpu();

	return cpu >= 0 && handover_check(b->tags, (unsigned)cpu, b->function);
}

/*
 * Burns service_ns of this thread's CPU time, touching the working set.
 * At every clock check it looks for a handover (handover.h) and, with
 * the switch-cost model on, adds the model's cost to the work left.
 * Returns 1 when the work was done, 0 when the run was abandoned first.
 */
static int burn(struct burner *b, uint64_t service_ns)
{
	uint64_t start = thread_cpu_ns();
	volatile uint64_t sink = 0;

	for (;;) {
		if (on_cpu_handover(b)) {
			b->handovers++;
			service_ns += (uint64_t)b->handover_cost_ns;
			b->charged_ns += (uint64_t)b->handover_cost_ns;
		}
		for (int i = 0; i < LINES_PER_CLOCK_CHECK; i++) {
			if (b->bytes) {
				b->working_set[b->cursor]++;
				b->cursor += CACHE_LINE;
				if (b->cursor >= b->bytes)
					b->cursor = 0;
			} else {
				sink = sink * 6364136223846793005ULL + 1;
			}
		}
		if (thread_cpu_ns() - start >= service_ns)
			return 1;
		if (atomic_load_explicit(b->abandon, memory_order_relaxed))
			return 0;
	}
}

static int burner_init(struct burner *b, const struct worker_context *ctx)
{
	memset(b, 0, sizeof(*b));
	b->tags = ctx->set->tags;
	b->function = ctx->function;
	b->handover_cost_ns = ctx->shape->handover_cost_ns;
	b->abandon = ctx->set->abandon;
	b->bytes = ctx->working_set_bytes;
	if (b->bytes) {
		b->working_set = malloc(b->bytes);
		if (!b->working_set)
			return -1;
		memset(b->working_set, 1, b->bytes);
	}
	return 0;
}

static void *fanout_helper_main(void *arg)
{
	struct fanout_helper *h = arg;

	account_start(&h->account);
	for (;;) {
		while (sem_wait(&h->go) && errno == EINTR)
			;
		if (h->stop)
			break;
		h->finished = burn(&h->burner, h->share_ns);
		sem_post(&h->fanout->done);
	}
	account_stop(&h->account);
	return NULL;
}

/* Starts `helpers` threads with their own working sets; 0 or -1. */
static int fanout_start(struct fanout *f, unsigned helpers,
			const struct worker_context *ctx)
{
	pthread_attr_t attr;
	int ret = 0;

	memset(f, 0, sizeof(*f));
	f->helper = calloc(helpers, sizeof(*f->helper));
	f->threads = calloc(helpers, sizeof(*f->threads));
	if (!f->helper || !f->threads || sem_init(&f->done, 0, 0))
		return -1;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, WORKER_STACK_BYTES);
	for (unsigned i = 0; i < helpers; i++) {
		struct fanout_helper *h = &f->helper[i];

		h->fanout = f;
		if (burner_init(&h->burner, ctx) || sem_init(&h->go, 0, 0) ||
		    pthread_create(&f->threads[i], &attr, fanout_helper_main, h)) {
			ret = -1;
			break;
		}
		f->helpers++;
	}
	pthread_attr_destroy(&attr);
	return ret;
}

/*
 * Runs one burst of service_ns split evenly over the worker and helpers.
 * 1 when every part ran to its end, 0 when the run was abandoned.
 */
static int fanout_burst(struct fanout *f, struct burner *self,
			uint64_t service_ns)
{
	uint64_t share = service_ns / (f->helpers + 1);
	int finished;

	for (unsigned i = 0; i < f->helpers; i++) {
		f->helper[i].share_ns = share;
		sem_post(&f->helper[i].go);
	}
	finished = burn(self, service_ns - share * f->helpers);
	for (unsigned i = 0; i < f->helpers; i++)
		while (sem_wait(&f->done) && errno == EINTR)
			;
	for (unsigned i = 0; i < f->helpers; i++)
		finished &= f->helper[i].finished;
	return finished;
}

/* Sums the helpers' handovers into the worker's burner. */
static void fanout_collect(struct fanout *f, struct burner *self)
{
	for (unsigned i = 0; i < f->helpers; i++) {
		self->handovers += f->helper[i].burner.handovers;
		self->charged_ns += f->helper[i].burner.charged_ns;
		f->helper[i].burner.handovers = 0;
		f->helper[i].burner.charged_ns = 0;
	}
}

/* Stops the helpers; their switches and CPU time go to the slot. */
static void fanout_stop(struct fanout *f, struct worker_slot *slot)
{
	for (unsigned i = 0; i < f->helpers; i++) {
		f->helper[i].stop = 1;
		sem_post(&f->helper[i].go);
		pthread_join(f->threads[i], NULL);
		slot->voluntary += f->helper[i].account.voluntary;
		slot->involuntary += f->helper[i].account.involuntary;
		slot->cpu_ns += f->helper[i].account.cpu_ns;
		free(f->helper[i].burner.working_set);
	}
	free(f->helper);
	free(f->threads);
}

/*
 * Sleeps until deadline_ns (CLOCK_MONOTONIC).  The stop pipe's write end
 * is closed by the parent when it abandons the run, which wakes every
 * sleeper at once.  1: the deadline came; 0: abandoned.
 */
static int sleep_until_or_stop(uint64_t deadline_ns, int stop_fd)
{
	struct pollfd pfd = { .fd = stop_fd, .events = POLLIN };

	for (;;) {
		uint64_t now = monotonic_ns(), left;
		struct timespec ts;

		if (now >= deadline_ns)
			return 1;
		left = deadline_ns - now;
		ts.tv_sec = (time_t)(left / NSEC_PER_SEC);
		ts.tv_nsec = (long)(left % NSEC_PER_SEC);
		if (ppoll(&pfd, 1, &ts, NULL) > 0)
			return 0;
	}
}

/*
 * Self-timed: takes the function's next arrival (first come, first
 * served among its workers) and sleeps until its intended time.  The
 * delay from that time to the wake-up, when the worker was idle, is the
 * timer lag.  1: a request in *out; 0: the window is over; -1: the run
 * was abandoned while waiting (the request counts as unfinished).
 */
static int next_timed_request(struct worker_context *ctx,
			      struct request_message *out)
{
	struct function_state *st = ctx->state;
	uint64_t start = atomic_load(ctx->set->start_ns);
	uint64_t end = atomic_load(ctx->set->end_ns);
	double time_ns = 0, service_ns = 0;
	uint64_t now;
	int have;

	pthread_mutex_lock(&st->lock);
	have = !st->stream_done &&
	       function_stream_next(&st->stream, &time_ns, &service_ns) == 0 &&
	       start + (uint64_t)time_ns < end;
	if (!have)
		st->stream_done = 1;
	pthread_mutex_unlock(&st->lock);
	if (!have)
		return 0;
	ctx->slot->issued++;
	out->intended_ns = start + (uint64_t)time_ns;
	out->service_ns = (uint64_t)service_ns;
	now = monotonic_ns();
	if (now < out->intended_ns) {
		if (!sleep_until_or_stop(out->intended_ns, ctx->stop_fd)) {
			/* Abandoned before it arrived: it never did. */
			if (out->intended_ns >= atomic_load(ctx->set->abandon_ns))
				ctx->slot->issued--;
			return -1;
		}
		now = monotonic_ns();
		hist_record(&ctx->slot->timer_lag,
			    now > out->intended_ns ? now - out->intended_ns : 0);
	}
	return 1;
}

/*
 * Abandoned while arrivals were left: counts the arrivals due before the
 * abandon (and before the end of the window) as issued, so unfinished,
 * and nothing is lost silently; later ones never arrived.
 */
static void count_unserved(struct worker_context *ctx)
{
	struct function_state *st = ctx->state;
	uint64_t start = atomic_load(ctx->set->start_ns);
	uint64_t end = atomic_load(ctx->set->end_ns);
	uint64_t abandoned = atomic_load(ctx->set->abandon_ns);
	double time_ns, service_ns;

	if (abandoned && abandoned < end)
		end = abandoned;
	pthread_mutex_lock(&st->lock);
	while (!st->stream_done &&
	       function_stream_next(&st->stream, &time_ns, &service_ns) == 0 &&
	       start + (uint64_t)time_ns < end)
		ctx->slot->issued++;
	st->stream_done = 1;
	pthread_mutex_unlock(&st->lock);
}

/* Dispatcher: the next request from the pipe.  1: got one; 0: EOF. */
static int next_piped_request(struct worker_context *ctx,
			      struct request_message *out)
{
	for (;;) {
		ssize_t n = read(ctx->request_fd, out, sizeof(*out));

		if (n < 0 && errno == EINTR)
			continue;
		return n == (ssize_t)sizeof(*out);
	}
}

/*
 * Serves one request: bursts of CPU (fanned out), I/O waits between.
 * 1 when it ran to its end, 0 when the run was abandoned first (the
 * request then counts as unfinished, not as completed).
 */
static int serve(struct worker_context *ctx, struct burner *self,
		 const struct request_message *message)
{
	const struct request_shape *shape = ctx->shape;
	uint64_t burst = message->service_ns / shape->bursts;

	for (unsigned b = 0; b < shape->bursts; b++) {
		uint64_t service = b + 1 < shape->bursts ? burst :
				   message->service_ns - burst * (shape->bursts - 1);
		int finished = ctx->fanout ?
			       fanout_burst(ctx->fanout, self, service) :
			       burn(self, service);

		if (!finished)
			return 0;
		if (b + 1 < shape->bursts && shape->io_mean_ns > 0) {
			double wait = draw_service(&ctx->io_rng, shape->io_shape,
						   shape->io_mean_ns);

			if (!sleep_until_or_stop(monotonic_ns() + (uint64_t)wait,
						 ctx->stop_fd))
				return 0;
			ctx->slot->io_waits++;
		}
	}
	return 1;
}

/* Sets the worker up; tells function_main whether it could. */
static int worker_init(struct worker_context *ctx, struct burner *self,
		       struct fanout *fanout)
{
	int ok = burner_init(self, ctx) == 0;

	if (!ok)
		fprintf(stderr, "function %u: working set: out of memory\n",
			ctx->function);
	if (ok && ctx->shape->fanout > 1) {
		ctx->fanout = fanout;
		if (fanout_start(fanout, ctx->shape->fanout - 1, ctx)) {
			fprintf(stderr, "function %u: cannot start %u fan-out "
				"threads\n", ctx->function, ctx->shape->fanout - 1);
			ok = 0;
		}
	}
	if (!ok)
		atomic_store(&ctx->state->failed, 1);
	sem_post(&ctx->state->initialised);
	return ok ? 0 : -1;
}

static void record_completion(struct worker_context *ctx,
			      const struct request_message *message)
{
	uint64_t done = monotonic_ns();
	uint64_t latency = done > message->intended_ns ?
			   done - message->intended_ns : 0;

	hist_record(&ctx->slot->latency, latency);
	if (latency <= ctx->slo_ns)
		ctx->slot->within_slo++;
	if (done <= atomic_load(ctx->set->end_ns))
		ctx->slot->completed_in_window++;
	atomic_fetch_add_explicit(&ctx->slot->completed, 1, memory_order_release);
}

static void *worker_main(void *arg)
{
	struct worker_context *ctx = arg;
	struct request_message message;
	struct thread_account account;
	struct fanout fanout;
	struct burner self;
	char byte;

	if (worker_init(ctx, &self, &fanout))
		return NULL;	/* the function reports 'E' and exits */
	/* Switches and CPU time count from the start of the window. */
	while (read(ctx->go_fd, &byte, 1) < 0 && errno == EINTR)
		;
	account_start(&account);
	/* The first check only tags the CPU. */
	on_cpu_handover(&self);
	for (;;) {
		int got = ctx->state->self_timed ?
			  next_timed_request(ctx, &message) :
			  next_piped_request(ctx, &message);

		if (got == 0)
			break;		/* the window or the pipe is over */
		if (got < 0 ||
		    atomic_load_explicit(ctx->set->abandon, memory_order_relaxed)) {
			if (ctx->state->self_timed)
				count_unserved(ctx);
			break;
		}
		if (!serve(ctx, &self, &message)) {
			if (ctx->state->self_timed)
				count_unserved(ctx);
			break;
		}
		if (ctx->fanout)
			fanout_collect(ctx->fanout, &self);
		ctx->slot->handovers = self.handovers;
		ctx->slot->charged_ns = self.charged_ns;
		record_completion(ctx, &message);
		if (ctx->completion_fd >= 0 &&
		    write(ctx->completion_fd, &ctx->function,
			  sizeof(ctx->function)) < 0 && errno != EAGAIN)
			break;
	}
	account_stop(&account);
	ctx->slot->voluntary = account.voluntary;
	ctx->slot->involuntary = account.involuntary;
	ctx->slot->cpu_ns = account.cpu_ns;
	if (ctx->fanout)
		fanout_stop(ctx->fanout, ctx->slot);
	free(self.working_set);
	atomic_fetch_add(ctx->set->workers_done, 1);
	return NULL;
}

static void close_other_fds(const struct function_set *set, unsigned keep,
			    int request_read[], unsigned started)
{
	close(set->go_fd);
	close(set->stop_fd);
	for (unsigned i = 0; i < set->functions; i++) {
		if (set->request_fd[i] >= 0)
			close(set->request_fd[i]);
		if (i != keep && i >= started && request_read[i] >= 0)
			close(request_read[i]);
	}
	if (set->completion_fd >= 0)
		close(set->completion_fd);
}

/*
 * The body of function process `index`; never returns.  Every worker is
 * set up (working set filled, fan-out threads started) before the
 * process reports ready, so nothing of the set-up falls in the window.
 */
static void function_main(struct function_set *set,
			  const struct function_config *config, unsigned index,
			  const struct function_fds *fds)
{
	struct function_state state = { .self_timed = config->streams != NULL };
	struct worker_context *contexts;
	pthread_t *threads;
	pthread_attr_t attr;
	char err[512], status = 'R';
	unsigned started = 0;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1)
		_exit(1);
	/* Wake at the intended time, not up to 50 us later (inherited by
	 * the threads created below). */
	prctl(PR_SET_TIMERSLACK, 1UL);
	if (config->cgroup_dirs && config->cgroup_dirs[index] &&
	    cgroup_join(config->cgroup_dirs[index], err, sizeof(err))) {
		fprintf(stderr, "function %u: joining its cgroup: %s\n", index, err);
		status = 'E';
		if (write(fds->ready, &status, 1) < 0)
			_exit(1);
		_exit(1);
	}
	pthread_mutex_init(&state.lock, NULL);
	sem_init(&state.initialised, 0, 0);
	if (state.self_timed)
		state.stream = config->streams[index];
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
			.set = set,
			.state = &state,
			.shape = &config->shape,
			.request_fd = fds->request,
			.go_fd = fds->go,
			.stop_fd = fds->stop,
			.completion_fd = fds->completion,
			.function = index,
			.slo_ns = config->slo_ns,
			.working_set_bytes = (size_t)config->working_set_kib * 1024,
		};
		rng_seed(&contexts[w].io_rng, config->seed ^
			 ((uint64_t)index << 20 | w) * 0x9e3779b97f4a7c15ULL);
		if (pthread_create(&threads[w], &attr, worker_main, &contexts[w])) {
			fprintf(stderr, "function %u: cannot start worker %u\n",
				index, w);
			status = 'E';
			break;
		}
		started++;
	}
	for (unsigned w = 0; w < started; w++)
		while (sem_wait(&state.initialised) && errno == EINTR)
			;
	if (atomic_load(&state.failed))
		status = 'E';
	if (write(fds->ready, &status, 1) != 1 || status != 'R')
		_exit(1);
	close(fds->ready);
	for (unsigned w = 0; w < started; w++)
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
	set->go_fd = -1;
	set->stop_fd = -1;
	/* slots, then one line of flags and times, then the CPU tags */
	set->shared_bytes = slots * sizeof(struct worker_slot) + CACHE_LINE +
			    handover_tags_bytes(config->cpus);
	set->slots = mmap(NULL, set->shared_bytes, PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (set->slots == MAP_FAILED) {
		set->slots = NULL;
		return -1;
	}
	set->abandon = (_Atomic int *)((char *)set->slots +
				       slots * sizeof(struct worker_slot));
	set->start_ns = (_Atomic uint64_t *)((char *)set->abandon + 8);
	set->end_ns = set->start_ns + 1;
	set->workers_done = set->start_ns + 2;
	set->abandon_ns = set->start_ns + 3;
	set->tags = (struct handover_tags *)((char *)set->abandon + CACHE_LINE);
	handover_tags_init(set->tags, config->cpus);
	for (size_t i = 0; i < slots; i++) {
		hist_init(&set->slots[i].latency);
		hist_init(&set->slots[i].timer_lag);
	}
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
	int *request_read, completion[2] = { -1, -1 }, ready[2], fds[2], go[2];
	int stop[2];
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
	if (make_pipe(go, err, errlen, "the start signal"))
		goto fail_early;
	set->go_fd = go[1];
	if (make_pipe(stop, err, errlen, "the stop signal")) {
		close(go[0]);
		goto fail_early;
	}
	set->stop_fd = stop[1];
	if (make_pipe(ready, err, errlen, "start-up")) {
		close(go[0]);
		close(stop[0]);
		goto fail_early;
	}
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
			struct function_fds mine = {
				.request = fds[0], .completion = completion[1],
				.ready = ready[1], .go = go[0], .stop = stop[0],
			};

			close(ready[0]);
			close_other_fds(set, i, request_read, 0);
			function_main(set, config, i, &mine);
		}
		set->pids[i] = pid;
		started++;
		close(fds[0]);
		request_read[i] = -1;
	}
	close(ready[1]);
	close(go[0]);
	close(stop[0]);
	go[0] = -1;
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
	close(go[0]);
	close(stop[0]);
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

void function_set_go(struct function_set *set, uint64_t start_ns,
		     uint64_t end_ns)
{
	atomic_store(set->start_ns, start_ns);
	atomic_store(set->end_ns, end_ns);
	/* EOF on the start pipe wakes every waiting worker at once. */
	if (set->go_fd >= 0)
		close(set->go_fd);
	set->go_fd = -1;
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

uint64_t function_set_workers_done(const struct function_set *set)
{
	return atomic_load(set->workers_done);
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
	if (!atomic_load(set->abandon_ns))
		atomic_store(set->abandon_ns, monotonic_ns());
	atomic_store(set->abandon, 1);
	/* EOF on the stop pipe wakes every sleeping worker; on the start
	 * pipe, the workers still waiting for the window. */
	if (set->stop_fd >= 0)
		close(set->stop_fd);
	set->stop_fd = -1;
	if (set->go_fd >= 0)
		close(set->go_fd);
	set->go_fd = -1;
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
	if (set->go_fd >= 0)
		close(set->go_fd);
	if (set->stop_fd >= 0)
		close(set->stop_fd);
	if (set->slots)
		munmap(set->slots, set->shared_bytes);
	free(set->request_fd);
	free(set->pids);
	free(set->usage);
	free(set->exit_status);
	memset(set, 0, sizeof(*set));
	set->completion_fd = -1;
	set->go_fd = -1;
	set->stop_fd = -1;
}
