// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include "handover.h"

size_t handover_tags_bytes(unsigned cpus)
{
	return sizeof(struct handover_tags) + (size_t)cpus * sizeof(struct cpu_tag);
}

void handover_tags_init(struct handover_tags *tags, unsigned cpus)
{
	memset(tags, 0, handover_tags_bytes(cpus));
	tags->cpus = cpus;
}

int handover_check(struct handover_tags *tags, unsigned cpu,
		   unsigned function)
{
	uint32_t me = function + 1, last;

	if (cpu >= tags->cpus)
		return 0;
	last = atomic_load_explicit(&tags->tag[cpu].function, memory_order_relaxed);
	if (last == me)
		return 0;
	atomic_store_explicit(&tags->tag[cpu].function, me, memory_order_relaxed);
	return last != 0;
}
