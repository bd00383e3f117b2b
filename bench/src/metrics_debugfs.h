/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading the lags.ko debugfs directory (default /sys/kernel/debug/lags;
 * formats in Documentation/module.rst): mode, stats, cgroups, tunables.
 */
#ifndef LAGS_METRICS_DEBUGFS_H
#define LAGS_METRICS_DEBUGFS_H

#include <stddef.h>
#include "metrics_table.h"

#define LAGS_DEBUGFS_DIR "/sys/kernel/debug/lags"

struct lags_debugfs {
	char mode[32];			/* "patched" or "observe-only" */
	struct metrics_table stats;	/* cpu switches voluntary ... */
	struct metrics_table cgroups;	/* path id switches_in ...; paths unescaped */
	struct metrics_table tunables;	/* name value min max unit owner */
};

/*
 * Reads mode, stats, cgroups and tunables below dir.  Returns 0 when all
 * four were read; 1 when dir does not exist (the module is not loaded,
 * or debugfs is not mounted); -1 when a file is missing or malformed
 * (a required column absent), with the reason in err.  d is empty
 * unless 0 is returned.
 */
int lags_debugfs_read(const char *dir, struct lags_debugfs *d, char *err,
		      size_t errlen);
void lags_debugfs_free(struct lags_debugfs *d);

/*
 * Undoes the kernel's seq_escape() of a cgroup path in place: "\NNN"
 * (three octal digits) becomes that byte and "\\" a backslash; other
 * text is kept.  Returns s.
 */
char *lags_unescape_path(char *s);

#endif
