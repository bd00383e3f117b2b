// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include "calibrate_host.h"

/* "key\t: value" -> value, for the first processor block only. */
static void cpuinfo_value(const char *cpuinfo_path, const char *key,
			  char *out, size_t size)
{
	char line[512];
	FILE *in = fopen(cpuinfo_path, "r");

	out[0] = '\0';
	if (!in)
		return;
	while (fgets(line, sizeof(line), in)) {
		size_t klen = strlen(key);
		char *colon = strchr(line, ':');

		if (line[0] == '\n')
			break;		/* end of the first processor */
		if (!colon || strncmp(line, key, klen) != 0 ||
		    line[klen + strspn(line + klen, " \t")] != ':')
			continue;
		colon += 1 + strspn(colon + 1, " \t");
		colon[strcspn(colon, "\r\n")] = '\0';
		snprintf(out, size, "%s", colon);
		break;
	}
	fclose(in);
}

/* The first line of a small file, without its newline; "" on failure. */
static void first_line(const char *path, char *out, size_t size)
{
	FILE *in = fopen(path, "r");

	out[0] = '\0';
	if (!in)
		return;
	if (!fgets(out, (int)size, in))
		out[0] = '\0';
	out[strcspn(out, "\r\n")] = '\0';
	fclose(in);
}

static void read_caches(char *out, size_t size, const char *sysfs_cpu_dir,
			int cpu)
{
	size_t len = 0;

	out[0] = '\0';
	for (int index = 0; index < 16; index++) {
		char base[512], path[600], level[16], type[32], csize[32];

		snprintf(base, sizeof(base), "%s/cpu%d/cache/index%d",
			 sysfs_cpu_dir, cpu, index);
		snprintf(path, sizeof(path), "%s/level", base);
		first_line(path, level, sizeof(level));
		if (!level[0])
			break;
		snprintf(path, sizeof(path), "%s/type", base);
		first_line(path, type, sizeof(type));
		snprintf(path, sizeof(path), "%s/size", base);
		first_line(path, csize, sizeof(csize));
		len += (size_t)snprintf(out + len, size > len ? size - len : 0,
					"%sL%s%s %s", len ? ", " : "", level,
					strcmp(type, "Data") == 0 ? "d" :
					strcmp(type, "Instruction") == 0 ? "i" : "",
					csize);
		if (len >= size)
			break;
	}
	if (!out[0])
		snprintf(out, size, "unknown");
}

void host_info_read(struct host_info *info, const char *cpuinfo_path,
		    const char *sysfs_cpu_dir, int cpu)
{
	char family[32], model[32], stepping[32];
	struct utsname names;

	cpuinfo_value(cpuinfo_path, "model name", info->cpu_model,
		      sizeof(info->cpu_model));
	cpuinfo_value(cpuinfo_path, "cpu family", family, sizeof(family));
	cpuinfo_value(cpuinfo_path, "model", model, sizeof(model));
	cpuinfo_value(cpuinfo_path, "stepping", stepping, sizeof(stepping));
	info->cpu_id[0] = '\0';
	if (family[0] && model[0])
		snprintf(info->cpu_id, sizeof(info->cpu_id),
			 "family %.8s model %.8s stepping %.8s", family, model,
			 stepping[0] ? stepping : "?");
	if (uname(&names) == 0)
		snprintf(info->kernel, sizeof(info->kernel), "%.64s %.90s",
			 names.release, names.version);
	else
		snprintf(info->kernel, sizeof(info->kernel), "unknown");
	read_caches(info->caches, sizeof(info->caches), sysfs_cpu_dir, cpu);
}

void host_loadavg(char *out, size_t size)
{
	first_line("/proc/loadavg", out, size);
	if (!out[0])
		snprintf(out, size, "unknown");
}
