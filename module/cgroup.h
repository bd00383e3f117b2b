/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lags.ko: the cgroup table (cgroup.c) and its part of the sched_switch
 * probe, inlined into the probe (core.c).
 */
#ifndef _LAGS_CGROUP_H
#define _LAGS_CGROUP_H

#include <linux/cgroup.h>
#include <linux/hash.h>
#include <linux/rculist.h>
#include <linux/sched.h>

#include "lags.h"

#define LAGS_PATH_LEN		192

struct lags_cg_node {
	struct hlist_node hnode;
	u64 id;			/* cgroup id */
	unsigned long gp;	/* reusable once this RCU grace period ended */
	bool live;		/* in the hash */
	bool used;		/* was live once: wait for gp before reuse */
	u32 seen;		/* rescan generation that found the cgroup */
	char path[LAGS_PATH_LEN];
};

struct lags_cg_ctr {
	u64 sw_in;
	u64 sw_out;
	u64 cross_in;
	u64 cross_out;
	u64 wait_max_ns;
};

struct lags_cg_table {
	unsigned int nr;		/* nodes; counters have nr + 1 */
	unsigned int hbits;
	unsigned int nr_live;
	u32 gen;
	struct hlist_head *heads;
	struct lags_cg_node *nodes;
	struct lags_cg_ctr **ctr;	/* [cpu][node], [cpu][nr] = other */
};

extern struct lags_cg_table *lags_cgt;

static __always_inline u64 lags_task_cg_id(struct task_struct *p)
{
	/*
	 * The probe runs under the runqueue lock with preemption off, an
	 * RCU read-side section: the task's css_set cannot be freed.
	 */
	struct cgroup_subsys_state *css = task_css_check(p, cpu_cgrp_id, true);

	return cgroup_id(css->cgroup);
}

static __always_inline struct lags_cg_node *
lags_cg_find(struct lags_cg_table *t, u64 id)
{
	struct lags_cg_node *n;

	hlist_for_each_entry_rcu(n, &t->heads[hash_64(id, t->hbits)], hnode)
		if (READ_ONCE(n->id) == id)
			return n;
	return NULL;
}

/*
 * May @cur's slot be used for the task it noted?  Only while the table is
 * the same and the node still has the cgroup id: a removed node is reused
 * only after a grace period, and "(other)" (no node) is always valid.
 */
static __always_inline bool lags_cur_slot_ok(const struct lags_cur *cur,
					     const struct lags_cg_table *t)
{
	return cur->cgt == t &&
	       (!cur->node || READ_ONCE(cur->node->id) == cur->cg_id);
}

void lags_cg_switch_slow(struct lags_cur *cur, struct task_struct *prev,
			 struct task_struct *next, bool prev_idle,
			 bool next_idle, bool cross, bool hit, u64 wait_ns);

/*
 * sched_switch hot path: no allocation, no lock.  @cur is the CPU's note
 * of the task switched in last (@prev when @hit) and of its slot
 * (lags_cur_slot_ok()).
 *
 * The common case, a switch between two tasks of one group whose slot is
 * noted, is done here; everything else (lookups, idle) out of line in
 * lags_cg_switch_slow(), which keeps this path short of registers.
 * @cross: tasks of two groups, neither idle.
 */
static __always_inline void
lags_cg_switch(struct lags_cur *cur, struct task_struct *prev,
	       struct task_struct *next, bool prev_idle, bool next_idle,
	       bool cross, bool hit, u64 wait_ns)
{
	struct lags_cg_table *t = READ_ONCE(lags_cgt);
	struct lags_cg_ctr *c;

	if (likely(t && hit && !cross && !prev_idle && !next_idle &&
		   lags_cur_slot_ok(cur, t))) {
		c = &t->ctr[raw_smp_processor_id()][cur->cg_idx];
		c->sw_out++;
		c->sw_in++;
		if (wait_ns > c->wait_max_ns)
			c->wait_max_ns = wait_ns;
		return;
	}
	lags_cg_switch_slow(cur, prev, next, prev_idle, next_idle, cross,
			    hit, wait_ns);
}

#endif /* _LAGS_CGROUP_H */
