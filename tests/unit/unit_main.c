// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tap.h"
#include "unit.h"

const char *unit_temp_file(const char *text)
{
	static char path[64];
	int fd;

	snprintf(path, sizeof(path), "/tmp/faas-unit.XXXXXX");
	fd = mkstemp(path);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		perror("unit: temporary file");
		exit(1);
	}
	close(fd);
	return path;
}

double unit_json_number(const char *path, const char *key)
{
	static char buf[1 << 20];
	char pattern[96], *at;
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	snprintf(pattern, sizeof(pattern), "\"%s\": ", key);
	at = strstr(buf, pattern);
	if (!at)
		return -1;
	at += strlen(pattern);
	return strtod(at + (*at == '"'), NULL);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s PATH/TO/faas-node-bench\n", argv[0]);
		return 2;
	}
	test_histogram();
	test_arrivals();
	test_azure_arrivals();
	test_trace_csv();
	test_cgroup_mounts();
	test_json_writer();
	test_switch_cost();
	test_function_stream();
	test_handover();
	test_metrics();
	test_fleet_model();
	test_options(argv[1]);
	test_ab_stats(argv[1]);
	test_cost_model(argv[1]);
	test_request_shapes(argv[1]);
	test_cleanup(argv[1]);
	return tap_finish();
}
