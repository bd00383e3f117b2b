/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Replay traces: CSV lines "time_us,function,service_us".  time_us is
 * the arrival time since the start of the trace (non-decreasing),
 * function a non-negative integer (folded modulo the number of
 * functions), service_us the CPU time of the request (> 0).  Blank
 * lines and lines starting with '#' are skipped, and so is a first line
 * that does not start with a digit (a header).
 */
#ifndef FAAS_TRACE_CSV_H
#define FAAS_TRACE_CSV_H

#include <stdint.h>
#include <stdio.h>

struct trace_record {
	double time_us;
	uint64_t function;
	double service_us;
};

enum trace_line_kind {
	TRACE_LINE_RECORD,
	TRACE_LINE_SKIP,
	TRACE_LINE_ERROR,
};

/* Parses one line (without context); on error, why goes into err. */
enum trace_line_kind trace_parse_line(const char *line,
				      struct trace_record *record,
				      char *err, size_t errlen);

struct trace_reader {
	FILE *file;
	const char *name;
	unsigned long line_number;
	double last_time_us;
	char *line;
	size_t line_size;
	char error[256];
};

int trace_reader_open(struct trace_reader *reader, const char *path);
/* Adopts an open stream (tests). */
void trace_reader_init(struct trace_reader *reader, FILE *file,
		       const char *name);
/*
 * 1: a record; 0: end of file; -1: malformed line, reader->error says
 * "NAME:LINE: why".
 */
int trace_reader_next(struct trace_reader *reader, struct trace_record *record);
void trace_reader_close(struct trace_reader *reader);

#endif
