// SPDX-License-Identifier: GPL-2.0
/* Replay trace parsing, including malformed lines and their numbers. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "tap.h"
#include "trace_csv.h"
#include "unit.h"

/* Reads a whole trace; returns records read, or -1 with the error. */
static int read_all(const char *text, char *error, size_t size,
		    struct trace_record *last)
{
	const char *path = unit_temp_file(text);
	struct trace_reader reader;
	int n = 0, ret;

	if (trace_reader_open(&reader, path))
		return -2;
	while ((ret = trace_reader_next(&reader, last)) == 1)
		n++;
	if (ret < 0)
		snprintf(error, size, "%s", strchr(reader.error, ':') ?
			 strchr(reader.error, ':') : reader.error);
	trace_reader_close(&reader);
	unlink(path);
	return ret < 0 ? -1 : n;
}

static void expect_error(const char *text, const char *where, const char *why,
			 const char *what)
{
	char error[256] = "";
	struct trace_record record;
	int n = read_all(text, error, sizeof(error), &record);

	tap_diag("error: %s", error);
	tap_ok(n == -1 && strncmp(error, where, strlen(where)) == 0 &&
	       strstr(error, why), "trace: %s rejected at %s", what, where + 1);
}

void test_trace_csv(void)
{
	struct trace_record record;
	char why[160], error[256];
	int n;

	tap_ok(trace_parse_line("1000,3,250.5\n", &record, why, sizeof(why)) ==
	       TRACE_LINE_RECORD && record.time_us == 1000 &&
	       record.function == 3 && record.service_us == 250.5,
	       "trace: a plain line parses");
	tap_ok(trace_parse_line(" 2.5 , 0 , 10 \r\n", &record, why, sizeof(why)) ==
	       TRACE_LINE_RECORD && record.time_us == 2.5,
	       "trace: blanks and CRLF are accepted");
	tap_ok(trace_parse_line("# comment\n", &record, why, sizeof(why)) ==
	       TRACE_LINE_SKIP && trace_parse_line("\n", &record, why,
	       sizeof(why)) == TRACE_LINE_SKIP, "trace: comments and blank lines skipped");

	n = read_all("time_us,function,service_us\n0,0,100\n10,1,200\n\n# x\n20,2,300\n",
		     error, sizeof(error), &record);
	tap_ok(n == 3 && record.function == 2 && record.service_us == 300,
	       "trace: header, blank and comment lines skipped, 3 records");

	expect_error("0,0,100\n5,1\n", ":2:", "missing field", "a missing field");
	expect_error("0,0,100\n1,1,1\n2,x,1\n", ":3:", "function is not a number",
		     "a non-numeric function");
	expect_error("0,0,100\n-1,0,5\n", ":2:", "negative", "a negative time");
	expect_error("0,0,0\n", ":1:", "service_us must be positive",
		     "a zero service time");
	expect_error("0,1.5,10\n", ":1:", "integer", "a fractional function");
	expect_error("10,0,5\n9,0,5\n", ":2:", "backwards", "time going backwards");
	expect_error("header\n0,0,1\n0,0,1,7\n", ":3:", "trailing text",
		     "an extra field");
}
