// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tap.h"

#define MAX_RESULTS 512
#define LINE 512

static struct {
	int passed;
	int skipped;
	char text[LINE];
	char diag[LINE];
} results[MAX_RESULTS];
static int n_results;
static char pending_diag[LINE];

static void add(int passed, int skipped, const char *fmt, va_list ap)
{
	if (n_results == MAX_RESULTS) {
		fprintf(stderr, "tap: too many results\n");
		exit(1);
	}
	results[n_results].passed = passed;
	results[n_results].skipped = skipped;
	vsnprintf(results[n_results].text, LINE, fmt, ap);
	memcpy(results[n_results].diag, pending_diag, LINE);
	pending_diag[0] = '\0';
	n_results++;
}

int tap_ok(int cond, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add(cond, 0, fmt, ap);
	va_end(ap);
	return cond;
}

void tap_skip(const char *reason, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add(1, 1, fmt, ap);
	va_end(ap);
	snprintf(results[n_results - 1].text + strlen(results[n_results - 1].text),
		 LINE - strlen(results[n_results - 1].text), " # SKIP %s", reason);
}

void tap_diag(const char *fmt, ...)
{
	va_list ap;
	size_t len = strlen(pending_diag);

	va_start(ap, fmt);
	vsnprintf(pending_diag + len, LINE - len, fmt, ap);
	va_end(ap);
}

int tap_finish(void)
{
	int failed = 0;

	printf("1..%d\n", n_results);
	for (int i = 0; i < n_results; i++) {
		if (results[i].diag[0])
			printf("# %s\n", results[i].diag);
		printf("%sok %d - %s\n", results[i].passed ? "" : "not ", i + 1,
		       results[i].text);
		failed += !results[i].passed;
	}
	fflush(stdout);
	return failed ? 1 : 0;
}
