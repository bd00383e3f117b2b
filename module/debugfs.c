// SPDX-License-Identifier: GPL-2.0
/*
 * lags.ko: the debugfs directory lags/.
 *
 * Tunables take one unsigned decimal number; anything else (empty, not a
 * number, negative, out of range, longer than LAGS_WRITE_MAX bytes, or a
 * write at a non-zero offset) is refused with -EINVAL and changes
 * nothing.  Writers are serialised by lags_mutex.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ctype.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "lags.h"

#define LAGS_WRITE_MAX	24

struct lags_knob {
	const char *name;
	const char *unit;
	unsigned int min, max;
	char *alloc_name;		/* name, when we had to build it */
	int patch_idx;			/* >= 0: a tunable of the kernel */
	unsigned int (*get)(void);
	int (*set)(unsigned int val);	/* with lags_mutex held */
};

static struct dentry *lags_dir;
static struct lags_knob *lags_patch_knobs;

static unsigned int lags_get_observe(void)
{
	return READ_ONCE(lags_observe);
}

static int lags_set_observe_knob(unsigned int val)
{
	return lags_set_observe(val);
}

static unsigned int lags_get_slots(void)
{
	return READ_ONCE(lags_cgroup_slots);
}

static unsigned int lags_get_top(void)
{
	return READ_ONCE(lags_cgroup_top);
}

static int lags_set_top(unsigned int val)
{
	WRITE_ONCE(lags_cgroup_top, val);
	return 0;
}

static unsigned int lags_get_track_wait(void)
{
	return READ_ONCE(lags_track_wait);
}

static int lags_set_track_wait(unsigned int val)
{
	WRITE_ONCE(lags_track_wait, val);
	return 0;
}

static unsigned int lags_get_track_cgroups(void)
{
	return READ_ONCE(lags_track_cgroups);
}

static int lags_set_track_cgroups(unsigned int val)
{
	if (val && !LAGS_HAVE_CGROUPS)
		return -EINVAL;
	WRITE_ONCE(lags_track_cgroups, val);
	return 0;
}

static const struct lags_knob lags_module_knobs[] = {
	{ .name = "observe", .unit = "bool", .min = 0, .max = 1,
	  .patch_idx = -1,
	  .get = lags_get_observe, .set = lags_set_observe_knob },
	{ .name = "cgroup_slots", .unit = "cgroups",
	  .min = LAGS_CG_SLOTS_MIN, .max = LAGS_CG_SLOTS_MAX,
	  .patch_idx = -1,
	  .get = lags_get_slots, .set = lags_set_cgroup_slots },
	{ .name = "cgroup_top", .unit = "rows",
	  .min = LAGS_CG_TOP_MIN, .max = LAGS_CG_TOP_MAX,
	  .patch_idx = -1,
	  .get = lags_get_top, .set = lags_set_top },
	{ .name = "track_wait", .unit = "bool", .min = 0, .max = 1,
	  .patch_idx = -1,
	  .get = lags_get_track_wait, .set = lags_set_track_wait },
	{ .name = "track_cgroups", .unit = "bool", .min = 0, .max = 1,
	  .patch_idx = -1,
	  .get = lags_get_track_cgroups, .set = lags_set_track_cgroups },
};

static unsigned int lags_knob_get(const struct lags_knob *k)
{
#if LAGS_PATCHED
	if (k->patch_idx >= 0)
		return sched_lags_get(k->patch_idx);
#endif
	return k->get();
}

static int lags_knob_set(const struct lags_knob *k, unsigned int val)
{
	lockdep_assert_held(&lags_mutex);
#if LAGS_PATCHED
	if (k->patch_idx >= 0)
		return sched_lags_set(k->patch_idx, val);
#endif
	return k->set(val);
}

/*
 * One unsigned decimal number, optionally followed by a newline, in a
 * single write at offset 0.  Every failure is -EINVAL.
 */
static int lags_parse_uint(const char __user *ubuf, size_t count,
			   loff_t *ppos, unsigned int *val)
{
	char buf[LAGS_WRITE_MAX + 1];

	if (*ppos != 0 || count == 0 || count > LAGS_WRITE_MAX)
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	if (buf[count - 1] == '\n')
		buf[--count] = '\0';
	if (count == 0 || !isdigit(buf[0]))
		return -EINVAL;
	if (kstrtouint(buf, 10, val))
		return -EINVAL;
	return 0;
}

static ssize_t lags_knob_read(struct file *file, char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	const struct lags_knob *k = file->private_data;
	char buf[16];
	int len;

	len = scnprintf(buf, sizeof(buf), "%u\n", lags_knob_get(k));
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

static ssize_t lags_knob_write(struct file *file, const char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	const struct lags_knob *k = file->private_data;
	unsigned int val;
	int ret;

	ret = lags_parse_uint(ubuf, count, ppos, &val);
	if (ret)
		return ret;
	if (val < k->min || val > k->max)
		return -EINVAL;
	mutex_lock(&lags_mutex);
	ret = lags_knob_set(k, val);
	mutex_unlock(&lags_mutex);
	if (ret)
		return ret;
	*ppos += count;
	return count;
}

static const struct file_operations lags_knob_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.read	= lags_knob_read,
	.write	= lags_knob_write,
	.llseek	= default_llseek,
};

static ssize_t lags_reset_write(struct file *file, const char __user *ubuf,
				size_t count, loff_t *ppos)
{
	unsigned int val;
	int ret;

	ret = lags_parse_uint(ubuf, count, ppos, &val);
	if (ret)
		return ret;
	if (val != 1)
		return -EINVAL;
	mutex_lock(&lags_mutex);
	lags_reset();
	mutex_unlock(&lags_mutex);
	*ppos += count;
	return count;
}

static const struct file_operations lags_reset_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.write	= lags_reset_write,
	.llseek	= default_llseek,
};

static int lags_mode_show(struct seq_file *m, void *v)
{
	seq_puts(m, LAGS_PATCHED ? "patched\n" : "observe-only\n");
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(lags_mode);

static void lags_print_knob(struct seq_file *m, const struct lags_knob *k,
			    const char *name)
{
	seq_printf(m, "%s %u %u %u %s %s\n", name, lags_knob_get(k), k->min,
		   k->max, k->unit && *k->unit ? k->unit : "-",
		   k->patch_idx >= 0 ? "kernel" : "module");
}

static int lags_tunables_show(struct seq_file *m, void *v)
{
	unsigned int i;

	seq_puts(m, "name value min max unit owner\n");
#if LAGS_PATCHED
	for (i = 0; i < sched_lags_nr_tunables; i++)
		if (lags_patch_knobs[i].name)
			lags_print_knob(m, &lags_patch_knobs[i],
					lags_patch_knobs[i].name);
#endif
	for (i = 0; i < ARRAY_SIZE(lags_module_knobs); i++)
		lags_print_knob(m, &lags_module_knobs[i],
				lags_module_knobs[i].name);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(lags_tunables);

static void lags_stats_row(struct seq_file *m, const struct lags_pcpu *s,
			   const u64 *patch)
{
	unsigned int i;

	for (i = 0; i < LAGS_NR_CTRS; i++)
		seq_printf(m, " %llu", s->ctr[i]);
	seq_printf(m, " %llu", div_u64(s->wait_max_ns, 1000));
#if LAGS_PATCHED
	for (i = 0; i < SCHED_LAGS_NR_STATS; i++)
		seq_printf(m, " %llu", patch[i]);
#endif
	seq_putc(m, '\n');
}

static int lags_stats_show(struct seq_file *m, void *v)
{
	struct lags_pcpu snap, total = {};
#if LAGS_PATCHED
	u64 patch[SCHED_LAGS_NR_STATS], ptotal[SCHED_LAGS_NR_STATS] = {};
#else
	u64 *patch = NULL, *ptotal = NULL;
#endif
	unsigned int cpu, i;

	seq_puts(m, "cpu");
	for (i = 0; i < LAGS_NR_CTRS; i++)
		seq_printf(m, " %s", lags_ctr_names[i]);
	seq_puts(m, " wait_max_us");
#if LAGS_PATCHED
	for (i = 0; i < SCHED_LAGS_NR_STATS; i++)
		seq_printf(m, " %s", sched_lags_stat_names[i]);
#endif
	seq_putc(m, '\n');

	for_each_possible_cpu(cpu) {
		lags_snapshot(cpu, &snap, patch);
		for (i = 0; i < LAGS_NR_CTRS; i++)
			total.ctr[i] += snap.ctr[i];
		total.wait_max_ns = max(total.wait_max_ns, snap.wait_max_ns);
#if LAGS_PATCHED
		for (i = 0; i < SCHED_LAGS_NR_STATS; i++)
			ptotal[i] += patch[i];
#endif
		if (!cpu_online(cpu))
			continue;
		seq_printf(m, "%u", cpu);
		lags_stats_row(m, &snap, patch);
	}
	seq_puts(m, "total");
	lags_stats_row(m, &total, ptotal);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(lags_stats);

static int lags_cgroups_show(struct seq_file *m, void *v)
{
#if LAGS_HAVE_CGROUPS
	int ret;

	mutex_lock(&lags_mutex);
	ret = lags_cg_show(m, READ_ONCE(lags_cgroup_top));
	mutex_unlock(&lags_mutex);
	return ret;
#else
	seq_puts(m, "path id switches_in switches_out cross_in cross_out wait_max_us\n");
	return 0;
#endif
}
DEFINE_SHOW_ATTRIBUTE(lags_cgroups);

#if LAGS_PATCHED
/* Files of our own; a kernel tunable of the same name is not mirrored. */
static const char * const lags_reserved[] = {
	"mode", "enabled", "stats", "cgroups", "reset", "tunables",
	"observe", "cgroup_slots", "cgroup_top", "track_wait", "track_cgroups",
};

static bool lags_name_reserved(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lags_reserved); i++)
		if (!strcmp(name, lags_reserved[i]))
			return true;
	return false;
}

#endif

static int lags_debugfs_patch_knobs(void)
{
#if LAGS_PATCHED
	unsigned int i;

	lags_patch_knobs = kcalloc(sched_lags_nr_tunables,
				   sizeof(*lags_patch_knobs), GFP_KERNEL);
	if (!lags_patch_knobs)
		return -ENOMEM;
	for (i = 0; i < sched_lags_nr_tunables; i++) {
		const struct sched_lags_tunable *st = &sched_lags_tunables[i];
		struct lags_knob *k = &lags_patch_knobs[i];

		k->name = st->name;
		k->unit = st->unit;
		k->min = st->min;
		k->max = st->max;
		k->patch_idx = i;
		if (i == 0) {
			k->name = "enabled";
			debugfs_create_file("enabled", 0644, lags_dir, k,
					    &lags_knob_fops);
			continue;
		}
		if (!st->name || !*st->name || strchr(st->name, '/')) {
			pr_warn("kernel tunable %u has no usable name\n", i);
			k->name = NULL;
			continue;
		}
		/* A name we use ourselves gets a prefix: "mode" -> "lags_mode". */
		if (lags_name_reserved(st->name)) {
			k->alloc_name = kasprintf(GFP_KERNEL, "lags_%s",
						  st->name);
			if (!k->alloc_name)
				return -ENOMEM;
			k->name = k->alloc_name;
		}
		debugfs_create_file(k->name, 0644, lags_dir, k,
				    &lags_knob_fops);
	}
#else
	/* Observe-only: "enabled" is the observe switch. */
	debugfs_create_file("enabled", 0644, lags_dir,
			    (void *)&lags_module_knobs[0], &lags_knob_fops);
#endif
	return 0;
}

int lags_debugfs_init(void)
{
	unsigned int i;
	int ret;

	lags_dir = debugfs_create_dir("lags", NULL);
	if (IS_ERR(lags_dir))
		return PTR_ERR(lags_dir);

	ret = lags_debugfs_patch_knobs();
	if (ret) {
		lags_debugfs_exit();
		return ret;
	}
	for (i = 0; i < ARRAY_SIZE(lags_module_knobs); i++)
		debugfs_create_file(lags_module_knobs[i].name, 0644, lags_dir,
				    (void *)&lags_module_knobs[i],
				    &lags_knob_fops);
	debugfs_create_file("mode", 0444, lags_dir, NULL, &lags_mode_fops);
	debugfs_create_file("tunables", 0444, lags_dir, NULL,
			    &lags_tunables_fops);
	debugfs_create_file("stats", 0444, lags_dir, NULL, &lags_stats_fops);
	debugfs_create_file("cgroups", 0444, lags_dir, NULL,
			    &lags_cgroups_fops);
	debugfs_create_file("reset", 0200, lags_dir, NULL, &lags_reset_fops);
	return 0;
}

void lags_debugfs_exit(void)
{
	/* Waits for the file operations in progress. */
	debugfs_remove_recursive(lags_dir);
	lags_dir = NULL;
#if LAGS_PATCHED
	if (lags_patch_knobs) {
		unsigned int i;

		for (i = 0; i < sched_lags_nr_tunables; i++)
			kfree(lags_patch_knobs[i].alloc_name);
	}
#endif
	kfree(lags_patch_knobs);
	lags_patch_knobs = NULL;
}
