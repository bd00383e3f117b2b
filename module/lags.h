/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lags.ko: context-switch and cgroup counters for Latency-Aware Group
 * Scheduling, and debugfs mirrors of the LAGS tunables of a patched
 * kernel.  Internal declarations shared by the module's objects.
 */
#ifndef _LAGS_MODULE_H
#define _LAGS_MODULE_H

#include <linux/types.h>
#include <linux/mutex.h>
#include <linux/percpu.h>

struct lags_cg_node;

#if __has_include("linux/sched/lags.h")
#include <linux/sched/lags.h>
#if !defined(SCHED_LAGS_ABI) || SCHED_LAGS_ABI != 2
#error "lags.ko knows LAGS ABI 2 only: update the module for this kernel"
#endif
#define LAGS_PATCHED 1
#else
#define LAGS_PATCHED 0
#endif

#if IS_ENABLED(CONFIG_CGROUP_SCHED)
#define LAGS_HAVE_CGROUPS 1
#else
#define LAGS_HAVE_CGROUPS 0
#endif

/* Per-CPU counters kept by the sched_switch probe. */
enum lags_ctr {
	LAGS_SWITCHES,
	LAGS_VOLUNTARY,
	LAGS_INVOLUNTARY,
	LAGS_CROSS_GROUP,
	LAGS_INTRA_GROUP,
	LAGS_IDLE,
	LAGS_NR_CTRS,
};

/*
 * The task this CPU switched in last, which is the next one to leave:
 * its sched_info.run_delay then (the runnable wait is what the scheduler
 * adds to it right after the switch) and its cgroup slot, so that its
 * switch-out needs no clock read and no lookup.
 */
struct lags_cur {
	struct task_struct *task;
	u64 run_delay;
	const void *cgt;	/* cgroup table of cg_idx; NULL: not known */
	const struct lags_cg_node *node; /* of cg_idx; NULL: "(other)" */
	u64 cg_id;
	unsigned int cg_idx;
};

struct lags_pcpu {
	u64 ctr[LAGS_NR_CTRS];
	u64 wait_max_ns;	/* longest runnable wait, of a task that ran */
	struct lags_cur cur;
};

DECLARE_PER_CPU(struct lags_pcpu, lags_pcpu);
extern const char * const lags_ctr_names[LAGS_NR_CTRS];

/* Serialises configuration changes, resets and table resizes. */
extern struct mutex lags_mutex;

/* Settings; module parameters, changed at run time through debugfs. */
extern bool lags_observe;
extern unsigned int lags_cgroup_slots;
extern unsigned int lags_cgroup_top;
extern bool lags_track_wait;
extern bool lags_track_cgroups;

#define LAGS_CG_SLOTS_MIN	16
#define LAGS_CG_SLOTS_MAX	8192
#define LAGS_CG_TOP_MIN		1
#define LAGS_CG_TOP_MAX		LAGS_CG_SLOTS_MAX

/* core.c */
int lags_set_observe(bool on);
int lags_set_cgroup_slots(unsigned int slots);
void lags_reset(void);
void lags_snapshot(unsigned int cpu, struct lags_pcpu *out, u64 *patch_out);

/* cgroup.c: bounded table of per-cgroup counters. */
#if LAGS_HAVE_CGROUPS
int lags_cg_init(unsigned int slots);
void lags_cg_exit(void);
int lags_cg_resize(unsigned int slots);
void lags_cg_start(void);
void lags_cg_stop(void);
void lags_cg_reset_local(void);
void lags_cg_mkdir(void *data, struct cgroup *cgrp, const char *path);
void lags_cg_rmdir(void *data, struct cgroup *cgrp, const char *path);
int lags_cg_show(struct seq_file *m, unsigned int top);
#else
static inline int lags_cg_init(unsigned int slots) { return 0; }
static inline void lags_cg_exit(void) { }
static inline int lags_cg_resize(unsigned int slots) { return 0; }
static inline void lags_cg_start(void) { }
static inline void lags_cg_stop(void) { }
static inline void lags_cg_reset_local(void) { }
#endif

/* debugfs.c */
int lags_debugfs_init(void);
void lags_debugfs_exit(void);

#endif /* _LAGS_MODULE_H */
