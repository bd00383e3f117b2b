// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "clock.h"
#include "dispatcher.h"

int dispatcher_init(struct dispatcher *d, unsigned functions)
{
	hist_init(&d->lag);
	d->issued_per_function = calloc(functions, sizeof(uint64_t));
	d->dropped_per_function = calloc(functions, sizeof(uint64_t));
	return d->issued_per_function && d->dropped_per_function ? 0 : -1;
}

void dispatcher_free(struct dispatcher *d)
{
	free(d->issued_per_function);
	free(d->dropped_per_function);
	d->issued_per_function = d->dropped_per_function = NULL;
}

static int send_request(struct dispatcher *d, unsigned function,
			uint64_t intended_ns, double service_ns)
{
	struct request_message message = {
		.intended_ns = intended_ns,
		.service_ns = (uint64_t)service_ns,
	};
	int ret = function_send(d->functions, function, &message);

	if (ret < 0) {
		snprintf(d->error, sizeof(d->error),
			 "sending to function %u: %s", function, strerror(errno));
		d->failed = 1;
		return -1;
	}
	d->issued_per_function[function]++;
	atomic_fetch_add_explicit(&d->issued, 1, memory_order_relaxed);
	if (ret == 1) {
		/* Pipe full: the request is lost, and counts as a miss. */
		d->dropped_per_function[function]++;
		d->dropped++;
	}
	return 0;
}

static int stopping(struct dispatcher *d)
{
	return atomic_load_explicit(&d->stop, memory_order_relaxed);
}

static void run_open_loop(struct dispatcher *d)
{
	struct arrival arrival;

	while (!stopping(d)) {
		uint64_t intended, now;
		int ret = arrival_next(d->source, &arrival, d->error,
				       sizeof(d->error));

		if (ret < 0) {
			d->failed = 1;
			return;
		}
		if (ret == 0)
			return;
		intended = d->start_ns + (uint64_t)arrival.time_ns;
		if (intended >= d->end_ns)
			return;
		while ((now = monotonic_ns()) < intended && !stopping(d))
			sleep_until_ns(intended - now > DISPATCH_MAX_SLEEP_NS ?
				       now + DISPATCH_MAX_SLEEP_NS : intended);
		if (stopping(d))
			return;
		hist_record(&d->lag, now - intended);
		if (send_request(d, arrival.function, intended, arrival.service_ns))
			return;
	}
}

static void run_closed_loop(struct dispatcher *d)
{
	uint32_t done[1024];
	unsigned functions = d->functions->functions;

	for (unsigned c = 0; c < d->clients; c++)
		for (unsigned f = 0; f < functions; f++)
			if (send_request(d, f, monotonic_ns(),
					 arrival_draw_service(d->source, f)))
				return;
	while (!stopping(d)) {
		struct pollfd pfd = { .fd = d->functions->completion_fd,
				      .events = POLLIN };
		uint64_t now = monotonic_ns();
		ssize_t n;

		if (now >= d->end_ns)
			return;
		if (poll(&pfd, 1, 50) <= 0)
			continue;
		n = read(pfd.fd, done, sizeof(done));
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n <= 0) {
			snprintf(d->error, sizeof(d->error), "completion pipe: %s",
				 n ? strerror(errno) : "closed");
			d->failed = 1;
			return;
		}
		now = monotonic_ns();
		if (now >= d->end_ns)
			return;
		for (ssize_t i = 0; i < n / (ssize_t)sizeof(done[0]); i++)
			if (done[i] < functions &&
			    send_request(d, done[i], now,
					 arrival_draw_service(d->source, done[i])))
				return;
	}
}

void *dispatcher_main(void *arg)
{
	struct dispatcher *d = arg;

	if (d->closed_loop)
		run_closed_loop(d);
	else
		run_open_loop(d);
	d->stopped_ns = monotonic_ns();
	d->cpu_ns = thread_cpu_ns();
	atomic_store(&d->finished, 1);
	return NULL;
}
