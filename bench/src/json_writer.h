/* SPDX-License-Identifier: GPL-2.0 */
/* A minimal streaming JSON writer (objects, arrays, scalars). */
#ifndef FAAS_JSON_WRITER_H
#define FAAS_JSON_WRITER_H

#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json_writer {
	FILE *out;
	int depth;
	int count[JSON_MAX_DEPTH];	/* members written at each level */
};

void json_init(struct json_writer *w, FILE *out);
/* key is NULL inside arrays and for the top level. */
void json_object_begin(struct json_writer *w, const char *key);
void json_object_end(struct json_writer *w);
void json_array_begin(struct json_writer *w, const char *key);
void json_array_end(struct json_writer *w);
void json_string(struct json_writer *w, const char *key, const char *value);
void json_uint(struct json_writer *w, const char *key, uint64_t value);
void json_int(struct json_writer *w, const char *key, int64_t value);
/* Non-finite values are written as null. */
void json_double(struct json_writer *w, const char *key, double value);
void json_bool(struct json_writer *w, const char *key, int value);
void json_null(struct json_writer *w, const char *key);

#endif
