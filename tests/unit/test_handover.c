// SPDX-License-Identifier: GPL-2.0
/* Handover accounting: who resumes after whom, per CPU. */
#include <stdlib.h>
#include "handover.h"
#include "tap.h"
#include "unit.h"

void test_handover(void)
{
	struct handover_tags *tags = malloc(handover_tags_bytes(2));
	int seen[8];

	if (!tags)
		return;
	handover_tags_init(tags, 2);
	seen[0] = handover_check(tags, 0, 3);	/* first on CPU 0: none */
	seen[1] = handover_check(tags, 0, 3);	/* again: none */
	seen[2] = handover_check(tags, 0, 5);	/* 5 after 3: one */
	seen[3] = handover_check(tags, 0, 3);	/* 3 after 5: one */
	seen[4] = handover_check(tags, 1, 3);	/* CPU 1, first: none */
	seen[5] = handover_check(tags, 1, 5);	/* 5 after 3 on CPU 1 */
	seen[6] = handover_check(tags, 0, 3);	/* CPU 0 still 3's */
	seen[7] = handover_check(tags, 7, 3);	/* no such CPU: none */
	tap_ok(!seen[0] && !seen[1] && seen[2] && seen[3] && !seen[4] &&
	       seen[5] && !seen[6] && !seen[7],
	       "handover: counted when another function ran last on the CPU, "
	       "per CPU, never on a CPU's first use (%d%d%d%d%d%d%d%d)",
	       seen[0], seen[1], seen[2], seen[3], seen[4], seen[5], seen[6],
	       seen[7]);
	/* Function 0 is a real function (tag 1), not "nobody". */
	handover_tags_init(tags, 2);
	handover_check(tags, 0, 0);
	tap_ok(handover_check(tags, 0, 1) == 1,
	       "handover: function 0 leaves a tag like any other");
	free(tags);
}
