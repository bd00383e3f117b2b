// SPDX-License-Identifier: GPL-2.0
/*
 * lags.ko core: module parameters, the sched_switch probe, reset and
 * snapshots of the per-CPU counters.
 *
 * The module attaches to the sched_switch tracepoint (and, with cgroups,
 * to cgroup_mkdir and cgroup_rmdir), which 6.12 does not export: it finds
 * them with for_each_kernel_tracepoint().  The probe runs under the
 * runqueue lock with interrupts disabled; it only increments per-CPU
 * counters of the CPU it runs on: no allocation, no lock.  Readers and
 * resets reach a CPU's counters with an IPI, which cannot interrupt the
 * probe, so every row they see is consistent.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/smp.h>
#include <linux/cpu.h>
#include <linux/string.h>
#include <linux/slab.h>
#include <linux/tracepoint.h>
#include <linux/cgroup.h>
#include <trace/events/sched.h>
#include <trace/events/cgroup.h>

#include "lags.h"
#if LAGS_HAVE_CGROUPS
#include "cgroup.h"
#endif

DEFINE_PER_CPU(struct lags_pcpu, lags_pcpu);
/* Serialises settings, resets and cgroup table changes. */
DEFINE_MUTEX(lags_mutex);

const char * const lags_ctr_names[LAGS_NR_CTRS] = {
	[LAGS_SWITCHES]		= "switches",
	[LAGS_VOLUNTARY]	= "voluntary",
	[LAGS_INVOLUNTARY]	= "involuntary",
	[LAGS_CROSS_GROUP]	= "cross_group",
	[LAGS_INTRA_GROUP]	= "intra_group",
	[LAGS_IDLE]		= "idle",
};

bool lags_observe = true;
module_param_named(observe, lags_observe, bool, 0444);
MODULE_PARM_DESC(observe, "Attach the sched_switch probe and count (default 1)");

unsigned int lags_cgroup_slots = 256;
module_param_named(cgroup_slots, lags_cgroup_slots, uint, 0444);
MODULE_PARM_DESC(cgroup_slots,
		 "Cgroups tracked at most (16..8192, default 256)");

unsigned int lags_cgroup_top = 32;
module_param_named(cgroup_top, lags_cgroup_top, uint, 0444);
MODULE_PARM_DESC(cgroup_top,
		 "Rows shown in debugfs lags/cgroups (1..8192, default 32)");

bool lags_track_wait = true;
module_param_named(track_wait, lags_track_wait, bool, 0444);
MODULE_PARM_DESC(track_wait,
		 "Measure runnable waits (wait_max_us columns; default 1)");

bool lags_track_cgroups = LAGS_HAVE_CGROUPS;
module_param_named(track_cgroups, lags_track_cgroups, bool, 0444);
MODULE_PARM_DESC(track_cgroups,
		 "Count per cgroup (debugfs lags/cgroups; default 1)");

static int lags_enable_param = -1;
module_param_named(enable, lags_enable_param, int, 0444);
MODULE_PARM_DESC(enable,
		 "Patched kernels: set the LAGS policy on (1) or off (0) at load; -1 leaves it (default)");

static char *lags_tunables_param;
module_param_named(tunables, lags_tunables_param, charp, 0444);
MODULE_PARM_DESC(tunables,
		 "Patched kernels: name=value[,name=value...] applied at load");

/*
 * The probe prototypes must match the tracepoints exactly: check them
 * against the kernel's declarations at build time.
 */
static void lags_probe_switch(void *data, bool preempt,
			      struct task_struct *prev,
			      struct task_struct *next,
			      unsigned int prev_state);

static_assert(__same_type(&register_trace_sched_switch,
			  int (*)(void (*)(void *, bool, struct task_struct *,
					   struct task_struct *, unsigned int),
				  void *)));
#if LAGS_HAVE_CGROUPS
static_assert(__same_type(&register_trace_cgroup_mkdir,
			  int (*)(void (*)(void *, struct cgroup *,
					   const char *), void *)));
static_assert(__same_type(&register_trace_cgroup_rmdir,
			  int (*)(void (*)(void *, struct cgroup *,
					   const char *), void *)));
#endif

struct lags_tp {
	const char *name;
	void *probe;
	bool required;
	struct tracepoint *tp;
	bool attached;
};

static struct lags_tp lags_tps[] = {
	{ .name = "sched_switch", .probe = lags_probe_switch, .required = true },
#if LAGS_HAVE_CGROUPS
	{ .name = "cgroup_mkdir", .probe = lags_cg_mkdir },
	{ .name = "cgroup_rmdir", .probe = lags_cg_rmdir },
#endif
};

static inline bool lags_task_cross(struct task_struct *prev,
				   struct task_struct *next)
{
#if LAGS_HAVE_CGROUPS
	return prev->sched_task_group != next->sched_task_group;
#else
	return false;
#endif
}

/*
 * Per switch: one of voluntary/involuntary, cross_group and idle when
 * they apply; "switches" and "intra_group" follow from those
 * (lags_snapshot()), so the probe does not count them.
 */
static notrace void lags_probe_switch(void *data, bool preempt,
				      struct task_struct *prev,
				      struct task_struct *next,
				      unsigned int prev_state)
{
	struct lags_pcpu *s = this_cpu_ptr(&lags_pcpu);
	bool cross = lags_task_cross(prev, next);
	bool prev_idle = is_idle_task(prev), next_idle = is_idle_task(next);
	bool hit = prev == s->cur.task;
	u64 wait = 0;

	/* The same test as __schedule() uses to pick nvcsw or nivcsw. */
	if (!preempt && prev_state)
		s->ctr[LAGS_VOLUNTARY]++;
	else
		s->ctr[LAGS_INVOLUNTARY]++;
	if (cross)
		s->ctr[LAGS_CROSS_GROUP]++;
	if (prev_idle || next_idle)
		s->ctr[LAGS_IDLE]++;
#ifdef CONFIG_SCHED_INFO
	/*
	 * sched_info_arrive() added @prev's last runnable wait (enqueue to
	 * getting the CPU, rq clock) to its run_delay right after the
	 * switch that brought it in, when we noted run_delay.
	 */
	if (hit && READ_ONCE(lags_track_wait) && !prev_idle) {
		wait = prev->sched_info.run_delay - s->cur.run_delay;
		if ((s64)wait < 0)
			wait = 0;
		if (wait > s->wait_max_ns)
			s->wait_max_ns = wait;
	}
#endif
#if LAGS_HAVE_CGROUPS
	if (READ_ONCE(lags_track_cgroups))
		lags_cg_switch(&s->cur, prev, next, prev_idle, next_idle,
			       cross && !prev_idle && !next_idle, hit, wait);
	else
		s->cur.cgt = NULL;
#endif
	s->cur.task = next;
#ifdef CONFIG_SCHED_INFO
	s->cur.run_delay = next->sched_info.run_delay;
#endif
}

/* With no probe attached: forget the tasks noted by lags_pcpu.cur. */
static void lags_forget_cur(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		memset(&per_cpu(lags_pcpu, cpu).cur, 0, sizeof(struct lags_cur));
}

static void lags_tp_find(struct tracepoint *tp, void *priv)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lags_tps); i++)
		if (!strcmp(tp->name, lags_tps[i].name))
			lags_tps[i].tp = tp;
}

static void lags_detach(void)
{
	bool any = false;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lags_tps); i++) {
		if (!lags_tps[i].attached)
			continue;
		WARN_ON(tracepoint_probe_unregister(lags_tps[i].tp,
						    lags_tps[i].probe, NULL));
		lags_tps[i].attached = false;
		any = true;
	}
	/* No probe runs after this: the data they use may go. */
	if (any)
		tracepoint_synchronize_unregister();
}

static int lags_attach(void)
{
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(lags_tps); i++) {
		if (!lags_tps[i].tp || lags_tps[i].attached)
			continue;
		ret = tracepoint_probe_register(lags_tps[i].tp,
						lags_tps[i].probe, NULL);
		if (ret) {
			pr_err("cannot attach to tracepoint %s: %d\n",
			       lags_tps[i].name, ret);
			lags_detach();
			return ret;
		}
		lags_tps[i].attached = true;
	}
	return 0;
}

/* Called with lags_mutex held. */
int lags_set_observe(bool on)
{
	int ret = 0;

	lockdep_assert_held(&lags_mutex);
	if (on == lags_observe)
		return 0;
	if (on) {
		lags_forget_cur();
		lags_cg_start();
		ret = lags_attach();
		if (ret) {
			lags_cg_stop();
			return ret;
		}
	} else {
		lags_detach();
		lags_cg_stop();
	}
	lags_observe = on;
	return 0;
}

/* Called with lags_mutex held; resets the cgroup counters. */
int lags_set_cgroup_slots(unsigned int slots)
{
	bool was = lags_observe;
	int ret, ret2;

	lockdep_assert_held(&lags_mutex);
	if (slots < LAGS_CG_SLOTS_MIN || slots > LAGS_CG_SLOTS_MAX)
		return -EINVAL;
	if (was)
		lags_set_observe(false);
	ret = lags_cg_resize(slots);
	if (!ret)
		lags_cgroup_slots = slots;
	if (was) {
		ret2 = lags_set_observe(true);
		if (!ret)
			ret = ret2;
	}
	return ret;
}

#if LAGS_PATCHED
/* Counter values of the patched kernel at the last reset. */
static struct sched_lags_stats __percpu *lags_patch_base;
#endif

static void lags_reset_cpu(void *unused)
{
	memset(this_cpu_ptr(&lags_pcpu), 0, sizeof(struct lags_pcpu));
	lags_cg_reset_local();
#if LAGS_PATCHED
	*this_cpu_ptr(lags_patch_base) = *this_cpu_ptr(&sched_lags_stats);
#endif
}

/*
 * Zero every counter.  Online CPUs do it themselves in an IPI, which
 * cannot land inside the probe (it runs with interrupts off); offline
 * CPUs do not switch.  Called with lags_mutex held.
 */
void lags_reset(void)
{
	unsigned int cpu;

	lockdep_assert_held(&lags_mutex);
	cpus_read_lock();
	for_each_possible_cpu(cpu) {
		if (cpu_online(cpu)) {
			smp_call_function_single(cpu, lags_reset_cpu, NULL, 1);
			continue;
		}
		memset(per_cpu_ptr(&lags_pcpu, cpu), 0,
		       sizeof(struct lags_pcpu));
#if LAGS_PATCHED
		*per_cpu_ptr(lags_patch_base, cpu) =
			per_cpu(sched_lags_stats, cpu);
#endif
	}
	cpus_read_unlock();
}

struct lags_snap {
	struct lags_pcpu *out;
	u64 *patch_out;
};

static void lags_snapshot_cpu(void *arg)
{
	struct lags_snap *snap = arg;
#if LAGS_PATCHED
	const struct sched_lags_stats *cur = this_cpu_ptr(&sched_lags_stats);
	const struct sched_lags_stats *base = this_cpu_ptr(lags_patch_base);
	unsigned int i;

	if (snap->patch_out)
		for (i = 0; i < SCHED_LAGS_NR_STATS; i++)
			snap->patch_out[i] = cur->count[i] - base->count[i];
#endif
	*snap->out = *this_cpu_ptr(&lags_pcpu);
}

/* The counters the probe leaves out: every switch is one or the other. */
static void lags_derive(struct lags_pcpu *s)
{
	s->ctr[LAGS_SWITCHES] = s->ctr[LAGS_VOLUNTARY] +
				s->ctr[LAGS_INVOLUNTARY];
	s->ctr[LAGS_INTRA_GROUP] = s->ctr[LAGS_SWITCHES] -
				   s->ctr[LAGS_CROSS_GROUP];
}

/*
 * Copy one CPU's counters (and, patched, the kernel's LAGS counters
 * since the last reset into @patch_out[SCHED_LAGS_NR_STATS]).
 */
void lags_snapshot(unsigned int cpu, struct lags_pcpu *out, u64 *patch_out)
{
	struct lags_snap snap = { .out = out, .patch_out = patch_out };

	if (!cpu_online(cpu) ||
	    smp_call_function_single(cpu, lags_snapshot_cpu, &snap, 1)) {
		/* Offline: nothing runs there, read it from here. */
		*out = per_cpu(lags_pcpu, cpu);
#if LAGS_PATCHED
		if (patch_out) {
			unsigned int i;

			for (i = 0; i < SCHED_LAGS_NR_STATS; i++)
				patch_out[i] =
					per_cpu(sched_lags_stats, cpu).count[i] -
					per_cpu_ptr(lags_patch_base, cpu)->count[i];
		}
#endif
	}
	lags_derive(out);
}

#if LAGS_PATCHED
static int lags_find_tunable(const char *name, size_t len)
{
	unsigned int i;

	for (i = 0; i < sched_lags_nr_tunables; i++)
		if (sched_lags_tunables[i].name &&
		    strlen(sched_lags_tunables[i].name) == len &&
		    !strncmp(sched_lags_tunables[i].name, name, len))
			return i;
	/* The debugfs name of a tunable whose name we use: "lags_mode". */
	if (len > 5 && !strncmp(name, "lags_", 5))
		return lags_find_tunable(name + 5, len - 5);
	return -ENOENT;
}

/* Apply "name=value[,name=value...]"; all or nothing is not promised. */
static int lags_apply_tunables(const char *spec)
{
	const char *p = spec;

	while (*p) {
		const char *eq, *end;
		char num[16];
		unsigned int val;
		size_t len;
		int idx, ret;

		end = strchrnul(p, ',');
		eq = memchr(p, '=', end - p);
		if (!eq) {
			pr_err("tunables: '%.*s' is not name=value\n",
			       (int)(end - p), p);
			return -EINVAL;
		}
		idx = lags_find_tunable(p, eq - p);
		if (idx < 0) {
			pr_err("tunables: no tunable '%.*s' in this kernel\n",
			       (int)(eq - p), p);
			return -EINVAL;
		}
		len = end - eq - 1;
		if (!len || len >= sizeof(num)) {
			pr_err("tunables: bad value for %s\n",
			       sched_lags_tunables[idx].name);
			return -EINVAL;
		}
		memcpy(num, eq + 1, len);
		num[len] = '\0';
		if (kstrtouint(num, 10, &val) ||
		    val < sched_lags_tunables[idx].min ||
		    val > sched_lags_tunables[idx].max) {
			pr_err("tunables: %s=%s is out of range %u..%u\n",
			       sched_lags_tunables[idx].name, num,
			       sched_lags_tunables[idx].min,
			       sched_lags_tunables[idx].max);
			return -EINVAL;
		}
		ret = sched_lags_set(idx, val);
		if (ret)
			return ret;
		p = *end ? end + 1 : end;
	}
	return 0;
}

static int lags_apply_params(void)
{
	int ret;

	if (lags_tunables_param && *lags_tunables_param) {
		ret = lags_apply_tunables(lags_tunables_param);
		if (ret)
			return ret;
	}
	if (lags_enable_param == -1)
		return 0;
	if (lags_enable_param < (int)sched_lags_tunables[0].min ||
	    lags_enable_param > (int)sched_lags_tunables[0].max) {
		pr_err("enable=%d is out of range\n", lags_enable_param);
		return -EINVAL;
	}
	return sched_lags_set(0, lags_enable_param);
}
#else
static int lags_apply_params(void)
{
	if (lags_enable_param != -1 ||
	    (lags_tunables_param && *lags_tunables_param))
		pr_warn("enable= and tunables= need a LAGS kernel: ignored\n");
	return 0;
}
#endif

static int __init lags_init(void)
{
	bool observe = lags_observe;
	int ret;

	if (lags_cgroup_slots < LAGS_CG_SLOTS_MIN ||
	    lags_cgroup_slots > LAGS_CG_SLOTS_MAX) {
		pr_err("cgroup_slots=%u is out of range %u..%u\n",
		       lags_cgroup_slots, LAGS_CG_SLOTS_MIN, LAGS_CG_SLOTS_MAX);
		return -EINVAL;
	}
	if (lags_cgroup_top < LAGS_CG_TOP_MIN ||
	    lags_cgroup_top > LAGS_CG_TOP_MAX) {
		pr_err("cgroup_top=%u is out of range %u..%u\n",
		       lags_cgroup_top, LAGS_CG_TOP_MIN, LAGS_CG_TOP_MAX);
		return -EINVAL;
	}
	if (!LAGS_HAVE_CGROUPS && lags_track_cgroups) {
		pr_err("track_cgroups=1 needs CONFIG_CGROUP_SCHED\n");
		return -EINVAL;
	}
	if (lags_enable_param < -1) {
		pr_err("enable=%d is out of range -1..1\n", lags_enable_param);
		return -EINVAL;
	}

	for_each_kernel_tracepoint(lags_tp_find, NULL);
	if (!lags_tps[0].tp) {
		pr_err("no sched_switch tracepoint in this kernel\n");
		return -ENODEV;
	}

#if LAGS_PATCHED
	lags_patch_base = alloc_percpu(struct sched_lags_stats);
	if (!lags_patch_base)
		return -ENOMEM;
#endif
	ret = lags_apply_params();
	if (ret)
		goto err_free;

	ret = lags_cg_init(lags_cgroup_slots);
	if (ret)
		goto err_free;

	mutex_lock(&lags_mutex);
	lags_reset();
	lags_observe = false;
	ret = observe ? lags_set_observe(true) : 0;
	mutex_unlock(&lags_mutex);
	if (ret)
		goto err_cg;

	ret = lags_debugfs_init();
	if (ret)
		goto err_detach;

	pr_info("loaded (%s, %s)\n", LAGS_PATCHED ? "patched" : "observe-only",
		lags_observe ? "observing" : "not observing");
	return 0;

err_detach:
	mutex_lock(&lags_mutex);
	lags_set_observe(false);
	mutex_unlock(&lags_mutex);
err_cg:
	lags_cg_exit();
err_free:
#if LAGS_PATCHED
	free_percpu(lags_patch_base);
#endif
	return ret;
}

static void __exit lags_exit(void)
{
	/* debugfs removal waits for handlers in progress. */
	lags_debugfs_exit();
	mutex_lock(&lags_mutex);
	lags_set_observe(false);
	mutex_unlock(&lags_mutex);
	lags_cg_exit();
#if LAGS_PATCHED
	free_percpu(lags_patch_base);
#endif
	pr_info("unloaded\n");
}

module_init(lags_init);
module_exit(lags_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("LAGS: context-switch and cgroup counters, LAGS tunables in debugfs");
MODULE_AUTHOR("The lags project");
