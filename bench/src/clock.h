/* SPDX-License-Identifier: GPL-2.0 */
/* Time in nanoseconds. */
#ifndef FAAS_CLOCK_H
#define FAAS_CLOCK_H

#include <stdint.h>

#define NSEC_PER_SEC 1000000000ULL
#define NSEC_PER_USEC 1000ULL

uint64_t monotonic_ns(void);
uint64_t thread_cpu_ns(void);
/* Sleeps until the absolute CLOCK_MONOTONIC time (EINTR resumed). */
void sleep_until_ns(uint64_t deadline_ns);

#endif
