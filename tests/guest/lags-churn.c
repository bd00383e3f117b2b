// SPDX-License-Identifier: GPL-2.0
/*
 * lags-churn: create and remove cpu cgroups fast, for the LAGS guest tests.
 *
 * Usage: lags-churn --root DIR --cycles N [--first K] [--mover PID]
 *                   [--every M] [--keep-every J]
 *
 * Cycle i (i = K .. K+N-1) creates DIR/c<i>, writes cpu.weight
 * (50 + i % 200), and, when PID is given and i % M == 0 (M default 4),
 * moves PID into the group and back to DIR/home (which must exist), so
 * that the group's scheduling entities are enqueued once; then removes
 * the group.  --keep-every J leaves every J-th group in place (to show
 * that the caller's leak checks can fail).
 *
 * A shell loop forks for mkdir and rmdir; this does the same with system
 * calls only, so 10,000 cycles cost the kernel's work, not the emulator's
 * forks.  Prints "cycles=N failed=F" and, for each of the first 5
 * failures, the step and errno; exits 1 if any cycle failed, 2 on bad
 * usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* write_file: write the string @s to @path; 0 or -1 with errno set. */
static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	if (n < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return close(fd);
}

/* churn_one: one cycle of group @i; the failed step's name, or NULL. */
static const char *churn_one(const char *root, long i, const char *mover,
			     long every, long keep_every)
{
	char dir[4096], path[4200], num[32];

	snprintf(dir, sizeof(dir), "%s/c%ld", root, i);
	if (mkdir(dir, 0755))
		return "mkdir";
	snprintf(path, sizeof(path), "%s/cpu.weight", dir);
	snprintf(num, sizeof(num), "%ld", 50 + i % 200);
	if (write_file(path, num))
		return "cpu.weight";
	if (mover && i % every == 0) {
		snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
		if (write_file(path, mover))
			return "move in";
		snprintf(path, sizeof(path), "%s/home/cgroup.procs", root);
		if (write_file(path, mover))
			return "move out";
	}
	if (keep_every && i % keep_every == 0)
		return NULL;
	if (rmdir(dir))
		return "rmdir";
	return NULL;
}

static void usage(void)
{
	fprintf(stderr, "usage: lags-churn --root DIR --cycles N [--first K] [--mover PID]\n"
			"                  [--every M] [--keep-every J]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *root = NULL, *mover = NULL;
	long cycles = -1, first = 0, every = 4, keep_every = 0, failed = 0, i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!v)
			usage();
		if (!strcmp(a, "--root"))
			root = v;
		else if (!strcmp(a, "--cycles"))
			cycles = atol(v);
		else if (!strcmp(a, "--first"))
			first = atol(v);
		else if (!strcmp(a, "--mover"))
			mover = v;
		else if (!strcmp(a, "--every"))
			every = atol(v);
		else if (!strcmp(a, "--keep-every"))
			keep_every = atol(v);
		else
			usage();
		i++;
	}
	if (!root || cycles < 0 || every < 1 || keep_every < 0)
		usage();
	for (i = first; i < first + cycles; i++) {
		const char *step = churn_one(root, i, mover, every, keep_every);

		if (step && ++failed <= 5)
			printf("cycle %ld failed at %s: %s\n", i, step, strerror(errno));
	}
	printf("cycles=%ld failed=%ld\n", cycles, failed);
	return failed ? 1 : 0;
}
