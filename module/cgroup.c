// SPDX-License-Identifier: GPL-2.0
/*
 * lags.ko: per-cgroup counters in a table of fixed size.
 *
 * A cgroup is known by the id of the cgroup that holds its tasks' "cpu"
 * css (its task group).  The table has cgroup_slots nodes allocated up
 * front, an RCU hash from cgroup id to node and, for each CPU, an array
 * of counters indexed by node; the last entry, "(other)", takes the
 * switches of cgroups the table does not hold (table full, or not seen
 * yet).  Memory is fixed by cgroup_slots whatever the number of cgroups.
 *
 * Nodes are added and removed only outside the sched_switch probe, under
 * lags_cg_lock: by the cgroup_mkdir and cgroup_rmdir probes, and by a
 * rescan work (every second while observing) that walks the "cpu"
 * hierarchy, adds what the probes could not see (cgroups that existed at
 * load, the controller enabled later) and drops nodes whose cgroup is
 * gone.  The probe only looks nodes up.  A removed node is reused only
 * after an RCU grace period, so no probe can still count into it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/cgroup.h>
#include <linux/hash.h>
#include <linux/rculist.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include "lags.h"
#include "cgroup.h"

#define LAGS_RESCAN_MS		1000

struct lags_cg_table *lags_cgt;
static DEFINE_SPINLOCK(lags_cg_lock);
static void lags_cg_rescan_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(lags_cg_rescan_work, lags_cg_rescan_fn);
static bool lags_cg_running;

/* Reset IPI: this CPU's counters; the probe cannot run meanwhile. */
void lags_cg_reset_local(void)
{
	struct lags_cg_table *t = READ_ONCE(lags_cgt);

	if (t)
		memset(t->ctr[smp_processor_id()], 0,
		       sizeof(struct lags_cg_ctr) * (t->nr + 1));
}

static void lags_cg_zero_node(struct lags_cg_table *t, unsigned int idx)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		memset(&t->ctr[cpu][idx], 0, sizeof(struct lags_cg_ctr));
}

/* The node of @p's cgroup, or NULL (the "(other)" row); sets *id. */
static struct lags_cg_node *lags_cg_node_of(struct lags_cg_table *t,
					    struct task_struct *p, u64 *id)
{
	*id = lags_task_cg_id(p);
	return lags_cg_find(t, *id);
}

static unsigned int lags_cg_idx(struct lags_cg_table *t,
				const struct lags_cg_node *n)
{
	return n ? n - t->nodes : t->nr;
}

/* lags_cg_switch() for lookups, idle and the first switch of a CPU. */
notrace void lags_cg_switch_slow(struct lags_cur *cur,
				 struct task_struct *prev,
				 struct task_struct *next, bool prev_idle,
				 bool next_idle, bool cross, bool hit,
				 u64 wait_ns)
{
	struct lags_cg_table *t = READ_ONCE(lags_cgt);
	const struct lags_cg_node *node = NULL;
	unsigned int ip = 0, in;
	struct lags_cg_ctr *c;
	u64 id = 0;

	if (!t) {
		cur->cgt = NULL;
		return;
	}
	c = t->ctr[raw_smp_processor_id()];
	if (!prev_idle) {
		if (hit && lags_cur_slot_ok(cur, t)) {
			ip = cur->cg_idx;
			node = cur->node;
			id = cur->cg_id;
		} else {
			node = lags_cg_node_of(t, prev, &id);
			ip = lags_cg_idx(t, node);
		}
		c[ip].sw_out++;
		if (cross)
			c[ip].cross_out++;
		if (wait_ns > c[ip].wait_max_ns)
			c[ip].wait_max_ns = wait_ns;
	}
	if (next_idle) {
		cur->cgt = NULL;
		return;
	}
	/* Same task group as @prev: same cgroup, same slot. */
	if (prev_idle || cross) {
		node = lags_cg_node_of(t, next, &id);
		in = lags_cg_idx(t, node);
	} else {
		in = ip;
	}
	c[in].sw_in++;
	if (cross)
		c[in].cross_in++;
	cur->cgt = t;
	cur->node = node;
	cur->cg_idx = in;
	cur->cg_id = id;
}

/* With lags_cg_lock held. */
static struct lags_cg_node *lags_cg_add_locked(struct lags_cg_table *t,
					       u64 id, const char *path)
{
	struct lags_cg_node *n;
	unsigned int i;

	n = lags_cg_find(t, id);
	if (n)
		return n;
	if (t->nr_live >= t->nr)
		return NULL;
	for (i = 0; i < t->nr; i++) {
		n = &t->nodes[i];
		if (n->live || (n->used && !poll_state_synchronize_rcu(n->gp)))
			continue;
		/* No probe can hold it: safe to clear and publish. */
		lags_cg_zero_node(t, i);
		WRITE_ONCE(n->id, id);
		strscpy(n->path, path, sizeof(n->path));
		n->seen = t->gen;
		n->live = true;
		n->used = true;
		hlist_add_head_rcu(&n->hnode,
				   &t->heads[hash_64(id, t->hbits)]);
		t->nr_live++;
		return n;
	}
	return NULL;
}

static void lags_cg_del_locked(struct lags_cg_table *t,
			       struct lags_cg_node *n)
{
	hlist_del_rcu(&n->hnode);
	n->live = false;
	/* Interrupts may be off here: the rescan work starts the GP. */
	n->gp = get_state_synchronize_rcu();
	t->nr_live--;
}

static bool lags_cgroup_has_cpu(struct cgroup *cgrp)
{
	return rcu_access_pointer(cgrp->subsys[cpu_cgrp_id]);
}

/* cgroup_mkdir tracepoint: called under cgroup_mutex, interrupts off. */
void lags_cg_mkdir(void *data, struct cgroup *cgrp, const char *path)
{
	struct lags_cg_table *t = READ_ONCE(lags_cgt);
	unsigned long flags;

	if (!t || !lags_cgroup_has_cpu(cgrp))
		return;
	spin_lock_irqsave(&lags_cg_lock, flags);
	lags_cg_add_locked(t, cgroup_id(cgrp), path);
	spin_unlock_irqrestore(&lags_cg_lock, flags);
}

/* cgroup_rmdir tracepoint: the cgroup is empty and going away. */
void lags_cg_rmdir(void *data, struct cgroup *cgrp, const char *path)
{
	struct lags_cg_table *t = READ_ONCE(lags_cgt);
	struct lags_cg_node *n;
	unsigned long flags;

	if (!t)
		return;
	spin_lock_irqsave(&lags_cg_lock, flags);
	n = lags_cg_find(t, cgroup_id(cgrp));
	if (n)
		lags_cg_del_locked(t, n);
	spin_unlock_irqrestore(&lags_cg_lock, flags);
}

/*
 * Walk the "cpu" hierarchy: add the cgroups the table lacks, drop the
 * nodes whose cgroup is no longer online.  Process context.
 */
static void lags_cg_rescan(struct lags_cg_table *t)
{
	struct cgroup_subsys_state *root, *pos;
	bool waiting = false;
	char *path;
	unsigned long flags;
	unsigned int i;
	u32 gen;

	path = kmalloc(LAGS_PATH_LEN, GFP_KERNEL);
	if (!path)
		return;
	spin_lock_irqsave(&lags_cg_lock, flags);
	gen = ++t->gen;
	spin_unlock_irqrestore(&lags_cg_lock, flags);

	rcu_read_lock();
	root = task_css(&init_task, cpu_cgrp_id);
	css_for_each_descendant_pre(pos, root) {
		struct lags_cg_node *n;
		u64 id;

		if (!(READ_ONCE(pos->flags) & CSS_ONLINE))
			continue;
		id = cgroup_id(pos->cgroup);
		spin_lock_irqsave(&lags_cg_lock, flags);
		n = lags_cg_find(t, id);
		if (n)
			n->seen = gen;
		spin_unlock_irqrestore(&lags_cg_lock, flags);
		if (n)
			continue;
		if (cgroup_path(pos->cgroup, path, LAGS_PATH_LEN) < 0)
			strscpy(path, "?", LAGS_PATH_LEN);
		/*
		 * rmdir marks the css dying before its tracepoint takes
		 * lags_cg_lock: checked under the lock, a cgroup removed
		 * during the walk is either skipped here or added before
		 * lags_cg_rmdir() deletes it, never re-added after.
		 */
		spin_lock_irqsave(&lags_cg_lock, flags);
		if (!css_is_dying(pos))
			lags_cg_add_locked(t, id, path);
		spin_unlock_irqrestore(&lags_cg_lock, flags);
	}
	rcu_read_unlock();

	/* Added during the walk by mkdir: seen = gen too.  Others: gone. */
	spin_lock_irqsave(&lags_cg_lock, flags);
	for (i = 0; i < t->nr; i++) {
		struct lags_cg_node *n = &t->nodes[i];

		if (n->live && n->seen != gen)
			lags_cg_del_locked(t, n);
		if (!n->live && n->used && !poll_state_synchronize_rcu(n->gp))
			waiting = true;
	}
	spin_unlock_irqrestore(&lags_cg_lock, flags);
	/* Make sure a grace period comes so that removed nodes free up. */
	if (waiting)
		start_poll_synchronize_rcu();
	kfree(path);
}

static void lags_cg_rescan_fn(struct work_struct *work)
{
	/* lags_cg_stop() cancels this work with lags_mutex held. */
	if (!mutex_trylock(&lags_mutex)) {
		schedule_delayed_work(&lags_cg_rescan_work, HZ / 10);
		return;
	}
	if (lags_cgt && lags_cg_running) {
		lags_cg_rescan(lags_cgt);
		schedule_delayed_work(&lags_cg_rescan_work,
				      msecs_to_jiffies(LAGS_RESCAN_MS));
	}
	mutex_unlock(&lags_mutex);
}

static void lags_cg_free(struct lags_cg_table *t)
{
	unsigned int cpu;

	if (!t)
		return;
	if (t->ctr) {
		for_each_possible_cpu(cpu)
			kvfree(t->ctr[cpu]);
		kfree(t->ctr);
	}
	kvfree(t->nodes);
	kvfree(t->heads);
	kfree(t);
}

static struct lags_cg_table *lags_cg_alloc(unsigned int slots)
{
	struct lags_cg_table *t;
	unsigned int cpu, i;

	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return NULL;
	t->nr = slots;
	t->hbits = ilog2(roundup_pow_of_two(slots));
	t->heads = kvcalloc(1U << t->hbits, sizeof(*t->heads), GFP_KERNEL);
	t->nodes = kvcalloc(slots, sizeof(*t->nodes), GFP_KERNEL);
	t->ctr = kcalloc(nr_cpu_ids, sizeof(*t->ctr), GFP_KERNEL);
	if (!t->heads || !t->nodes || !t->ctr)
		goto err;
	for (i = 0; i < (1U << t->hbits); i++)
		INIT_HLIST_HEAD(&t->heads[i]);
	for_each_possible_cpu(cpu) {
		/* Not kvcalloc_node(): 6.1 does not have it. */
		t->ctr[cpu] = kvzalloc_node(array_size(slots + 1,
						       sizeof(*t->ctr[cpu])),
					    GFP_KERNEL, cpu_to_node(cpu));
		if (!t->ctr[cpu])
			goto err;
	}
	return t;
err:
	lags_cg_free(t);
	return NULL;
}

int lags_cg_init(unsigned int slots)
{
	struct lags_cg_table *t = lags_cg_alloc(slots);

	if (!t)
		return -ENOMEM;
	WRITE_ONCE(lags_cgt, t);
	return 0;
}

void lags_cg_exit(void)
{
	cancel_delayed_work_sync(&lags_cg_rescan_work);
	lags_cg_free(lags_cgt);
	lags_cgt = NULL;
}

/* With lags_mutex held and no probe attached. */
int lags_cg_resize(unsigned int slots)
{
	struct lags_cg_table *t, *old = lags_cgt;

	lockdep_assert_held(&lags_mutex);
	if (old && old->nr == slots)
		return 0;
	t = lags_cg_alloc(slots);
	if (!t)
		return -ENOMEM;
	WRITE_ONCE(lags_cgt, t);
	lags_cg_free(old);
	return 0;
}

/* With lags_mutex held, before the probes are attached. */
void lags_cg_start(void)
{
	lockdep_assert_held(&lags_mutex);
	if (!lags_cgt)
		return;
	lags_cg_rescan(lags_cgt);
	lags_cg_running = true;
	schedule_delayed_work(&lags_cg_rescan_work,
			      msecs_to_jiffies(LAGS_RESCAN_MS));
}

/* With lags_mutex held, after the probes are detached. */
void lags_cg_stop(void)
{
	lockdep_assert_held(&lags_mutex);
	lags_cg_running = false;
	cancel_delayed_work_sync(&lags_cg_rescan_work);
}

struct lags_cg_row {
	unsigned int idx;
	u64 id;
	struct lags_cg_ctr sum;
};

static int lags_cg_row_cmp(const void *a, const void *b)
{
	const struct lags_cg_row *ra = a, *rb = b;
	u64 va = ra->sum.sw_in + ra->sum.sw_out;
	u64 vb = rb->sum.sw_in + rb->sum.sw_out;

	if (va != vb)
		return va > vb ? -1 : 1;
	return ra->id < rb->id ? -1 : ra->id > rb->id;
}

static void lags_cg_sum(struct lags_cg_table *t, unsigned int idx,
			struct lags_cg_ctr *sum)
{
	unsigned int cpu;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct lags_cg_ctr *c = &t->ctr[cpu][idx];

		sum->sw_in += READ_ONCE(c->sw_in);
		sum->sw_out += READ_ONCE(c->sw_out);
		sum->cross_in += READ_ONCE(c->cross_in);
		sum->cross_out += READ_ONCE(c->cross_out);
		sum->wait_max_ns = max(sum->wait_max_ns,
				       READ_ONCE(c->wait_max_ns));
	}
}

static void lags_cg_print(struct seq_file *m, const struct lags_cg_ctr *s)
{
	seq_printf(m, " %llu %llu %llu %llu %llu\n", s->sw_in, s->sw_out,
		   s->cross_in, s->cross_out, div_u64(s->wait_max_ns, 1000));
}

/*
 * The busiest @top cgroups (switches in + out), then "(other)".  With
 * lags_mutex held, so that the table stays.
 */
int lags_cg_show(struct seq_file *m, unsigned int top)
{
	struct lags_cg_table *t = lags_cgt;
	struct lags_cg_row *rows;
	struct lags_cg_ctr other;
	char *path;
	unsigned long flags;
	unsigned int i, n = 0;

	lockdep_assert_held(&lags_mutex);
	seq_puts(m, "path id switches_in switches_out cross_in cross_out wait_max_us\n");
	if (!t)
		return 0;
	rows = kvcalloc(t->nr, sizeof(*rows), GFP_KERNEL);
	path = kmalloc(LAGS_PATH_LEN, GFP_KERNEL);
	if (!rows || !path) {
		kvfree(rows);
		kfree(path);
		return -ENOMEM;
	}
	for (i = 0; i < t->nr; i++) {
		struct lags_cg_node *node = &t->nodes[i];

		if (!READ_ONCE(node->live))
			continue;
		rows[n].idx = i;
		rows[n].id = READ_ONCE(node->id);
		lags_cg_sum(t, i, &rows[n].sum);
		n++;
	}
	sort(rows, n, sizeof(*rows), lags_cg_row_cmp, NULL);
	for (i = 0; i < n && i < top; i++) {
		struct lags_cg_node *node = &t->nodes[rows[i].idx];
		bool ok;

		spin_lock_irqsave(&lags_cg_lock, flags);
		ok = node->live && node->id == rows[i].id;
		if (ok)
			strscpy(path, node->path, LAGS_PATH_LEN);
		spin_unlock_irqrestore(&lags_cg_lock, flags);
		if (!ok)
			continue;	/* removed meanwhile */
		seq_escape(m, path, " \t\n\\");
		seq_printf(m, " %llu", rows[i].id);
		lags_cg_print(m, &rows[i].sum);
	}
	lags_cg_sum(t, t->nr, &other);
	seq_puts(m, "(other) 0");
	lags_cg_print(m, &other);
	kvfree(rows);
	kfree(path);
	return 0;
}
