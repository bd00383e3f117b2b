/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Cross-group handovers seen by the functions themselves, and the
 * opt-in switch-cost model that charges them.
 *
 * Every CPU has a tag in memory shared by all function processes: the
 * id of the function that last ran on it.  A function thread checks the
 * tag of its CPU whenever it may have been off the CPU (when it wakes,
 * and every few microseconds of its CPU work, which catches
 * preemptions): when the tag names another function, another group ran
 * on this CPU since this thread last checked, so its cache and TLB state
 * may be gone.  That is one handover; the thread then writes its own id.
 * Switches to the generator, kernel threads or idle leave the tag alone:
 * a handover is a function-to-function switch across groups (functions
 * are one group each), counted where it costs, by the one who resumes.
 * A switch between threads of one function is not a handover.
 */
#ifndef FAAS_HANDOVER_H
#define FAAS_HANDOVER_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

struct cpu_tag {
	_Atomic uint32_t function;	/* 1 + index; 0: nobody yet */
	char pad[60];			/* one cache line per CPU */
};

struct handover_tags {
	unsigned cpus;
	char pad[60];
	struct cpu_tag tag[];
};

size_t handover_tags_bytes(unsigned cpus);
void handover_tags_init(struct handover_tags *tags, unsigned cpus);
/*
 * Function `function` (0-based) runs on `cpu` now.  Returns 1 when
 * another function ran there last (a handover), else 0; tags the CPU
 * with this function either way.  CPUs beyond the table count as none.
 */
int handover_check(struct handover_tags *tags, unsigned cpu,
		   unsigned function);

#endif
