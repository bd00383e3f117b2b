/* SPDX-License-Identifier: GPL-2.0 */
/* Collects test results and prints them as TAP with the plan first. */
#ifndef UNIT_TAP_H
#define UNIT_TAP_H

/* Records one result; returns cond. */
int tap_ok(int cond, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void tap_skip(const char *reason, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A "# ..." diagnostic line attached to the next result. */
void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints everything; returns the exit status (0 when all passed). */
int tap_finish(void);

#endif
