/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small JSON reader (RFC 8259): reads a whole document into a tree.
 * Strings keep their bytes; escapes \" \\ \/ \b \f \n \r \t are decoded,
 * \uXXXX is decoded for code points below 0x80 and rejected otherwise
 * (none of our files need more).  Numbers are doubles.  Nesting is
 * limited to JSON_READ_MAX_DEPTH levels, documents to 16 MiB.
 */
#ifndef FAAS_JSON_READER_H
#define FAAS_JSON_READER_H

#include <stddef.h>

#define JSON_READ_MAX_DEPTH 32

enum json_type {
	JSON_NULL,
	JSON_FALSE,
	JSON_TRUE,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT,
};

struct json_value {
	enum json_type type;
	unsigned long line;		/* 1-based line where the value starts */
	double number;			/* JSON_NUMBER */
	char *string;			/* JSON_STRING, NUL-terminated */
	size_t count;			/* members of an array or object */
	struct json_value *items;	/* array elements, object values */
	char **keys;			/* object keys, in file order */
};

/*
 * Parses text (len bytes; need not be NUL-terminated) into *root.
 * Returns 0, or -1 with "NAME:LINE:COLUMN: why" in err (name: what to
 * call the input in messages).
 */
int json_parse(const char *text, size_t len, const char *name,
	       struct json_value *root, char *err, size_t errlen);
/* Reads and parses the file at path; errors as for json_parse, or "PATH: why". */
int json_read_file(const char *path, struct json_value *root, char *err,
		   size_t errlen);
/* The value of key in an object (the first one), or NULL. */
const struct json_value *json_get(const struct json_value *object,
				  const char *key);
/* "null", "a number", ...: for messages. */
const char *json_type_name(enum json_type type);
/* Frees what json_parse allocated below root (not root itself). */
void json_free(struct json_value *root);

#endif
