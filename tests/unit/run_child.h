/* SPDX-License-Identifier: GPL-2.0 */
/* Runs the benchmark binary as a child with its output discarded. */
#ifndef UNIT_RUN_CHILD_H
#define UNIT_RUN_CHILD_H

#include <sys/types.h>

/* Starts argv[0] with stdout/stderr to /dev/null; returns its pid. */
pid_t start_child(char *const argv[]);
/* Waits; returns the exit status, 128+signal, or -1. */
int wait_child(pid_t pid);

#endif
