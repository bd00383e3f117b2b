/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What lags-calibrate records about the machine it measures: the CPU
 * (/proc/cpuinfo), the kernel (uname), the caches of the measured CPU
 * (/sys/devices/system/cpu/cpuN/cache) and the load average.
 */
#ifndef FAAS_CALIBRATE_HOST_H
#define FAAS_CALIBRATE_HOST_H

#include <stddef.h>

struct host_info {
	char cpu_model[128];	/* "model name", "" when absent */
	char cpu_id[64];	/* "family F model M stepping S", or "" */
	char kernel[160];	/* uname: release and version */
	char caches[256];	/* "L1d 48K, L1i 32K, L2 2048K, L3 307200K" */
};

/*
 * Fills info for CPU cpu from cpuinfo_path (normally /proc/cpuinfo) and
 * sysfs_cpu_dir (normally /sys/devices/system/cpu).  Missing sources
 * leave their field empty ("unknown" for caches); never fails.
 */
void host_info_read(struct host_info *info, const char *cpuinfo_path,
		    const char *sysfs_cpu_dir, int cpu);

/* The first line of /proc/loadavg without its newline, or "unknown". */
void host_loadavg(char *out, size_t size);

#endif
