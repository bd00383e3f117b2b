// SPDX-License-Identifier: GPL-2.0
/* A small JSON reader: recursive descent over the whole text. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "json_reader.h"

#define JSON_READ_MAX_BYTES (16u << 20)

struct parser {
	const char *text;
	size_t len, pos;
	unsigned long line;
	size_t line_start;
	const char *name;
	char *err;
	size_t errlen;
};

static int fail(struct parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct parser *p, const char *fmt, ...)
{
	char why[192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	snprintf(p->err, p->errlen, "%s:%lu:%zu: %s", p->name, p->line,
		 p->pos - p->line_start + 1, why);
	return -1;
}

static void skip_blanks(struct parser *p)
{
	while (p->pos < p->len) {
		char c = p->text[p->pos];

		if (c == '\n') {
			p->line++;
			p->line_start = p->pos + 1;
		} else if (c != ' ' && c != '\t' && c != '\r') {
			return;
		}
		p->pos++;
	}
}

/* What stands at the current position, for messages. */
static const char *here(struct parser *p)
{
	static char what[16];
	char c;

	if (p->pos >= p->len)
		return "the end of the input";
	c = p->text[p->pos];
	if (c >= 0x20 && c < 0x7f)
		snprintf(what, sizeof(what), "'%c'", c);
	else
		snprintf(what, sizeof(what), "byte 0x%02x", (unsigned char)c);
	return what;
}

static int parse_value(struct parser *p, struct json_value *v, int depth);

static int parse_string(struct parser *p, char **out)
{
	size_t start = ++p->pos, n = 0;
	char *s = malloc(p->len - start + 1);

	if (!s)
		return fail(p, "out of memory");
	while (p->pos < p->len && p->text[p->pos] != '"') {
		char c = p->text[p->pos];

		if ((unsigned char)c < 0x20) {
			free(s);
			return fail(p, "control character in a string");
		}
		if (c == '\\') {
			const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t", *at;

			if (++p->pos >= p->len)
				break;
			c = p->text[p->pos];
			if (c == 'u') {
				unsigned code = 0;

				for (int i = 1; i <= 4; i++) {
					char h = p->pos + i < p->len ? p->text[p->pos + i] : '\0';
					const char *digits = "0123456789abcdef", *d;

					d = h ? strchr(digits, h | 0x20) : NULL;
					if (!d) {
						free(s);
						return fail(p, "bad \\u escape");
					}
					code = code * 16 + (unsigned)(d - digits);
				}
				if (code == 0 || code >= 0x80) {
					free(s);
					return fail(p, "\\u%04x: only ASCII escapes are supported", code);
				}
				s[n++] = (char)code;
				p->pos += 5;
				continue;
			}
			at = strchr(from, c);
			if (!at || !c) {
				free(s);
				return fail(p, "bad escape '\\%c'", c);
			}
			c = to[at - from];
		}
		s[n++] = c;
		p->pos++;
	}
	if (p->pos >= p->len) {
		free(s);
		return fail(p, "unterminated string");
	}
	p->pos++;
	s[n] = '\0';
	*out = s;
	return 0;
}

static int parse_number(struct parser *p, struct json_value *v)
{
	size_t i = p->pos;
	char buf[64], *end;

	/* The JSON grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
	if (i < p->len && p->text[i] == '-')
		i++;
	if (i < p->len && p->text[i] == '0')
		i++;
	else if (i < p->len && p->text[i] >= '1' && p->text[i] <= '9')
		while (i < p->len && p->text[i] >= '0' && p->text[i] <= '9')
			i++;
	else
		return fail(p, "expected a value, found %s", here(p));
	if (i < p->len && p->text[i] == '.') {
		if (++i >= p->len || p->text[i] < '0' || p->text[i] > '9')
			return fail(p, "a digit must follow the decimal point");
		while (i < p->len && p->text[i] >= '0' && p->text[i] <= '9')
			i++;
	}
	if (i < p->len && (p->text[i] == 'e' || p->text[i] == 'E')) {
		if (++i < p->len && (p->text[i] == '+' || p->text[i] == '-'))
			i++;
		if (i >= p->len || p->text[i] < '0' || p->text[i] > '9')
			return fail(p, "a digit must follow the exponent");
		while (i < p->len && p->text[i] >= '0' && p->text[i] <= '9')
			i++;
	}
	if (i - p->pos >= sizeof(buf))
		return fail(p, "number too long");
	memcpy(buf, p->text + p->pos, i - p->pos);
	buf[i - p->pos] = '\0';
	errno = 0;
	v->number = strtod(buf, &end);
	if (errno == ERANGE && isinf(v->number))
		return fail(p, "number out of range: %s", buf);
	v->type = JSON_NUMBER;
	p->pos = i;
	return 0;
}

/* Appends one member to an array or object; key is NULL in arrays. */
static int add_member(struct parser *p, struct json_value *v, char *key,
		      size_t *cap)
{
	if (v->count == *cap) {
		size_t n = *cap ? *cap * 2 : 4;
		struct json_value *items = realloc(v->items, n * sizeof(*items));

		if (!items)
			return fail(p, "out of memory");
		v->items = items;
		if (v->type == JSON_OBJECT) {
			char **keys = realloc(v->keys, n * sizeof(*keys));

			if (!keys)
				return fail(p, "out of memory");
			v->keys = keys;
		}
		*cap = n;
	}
	memset(&v->items[v->count], 0, sizeof(v->items[0]));
	if (v->type == JSON_OBJECT)
		v->keys[v->count] = key;
	v->count++;
	return 0;
}

static int parse_members(struct parser *p, struct json_value *v, int depth)
{
	char close = v->type == JSON_OBJECT ? '}' : ']';
	size_t cap = 0;

	p->pos++;
	skip_blanks(p);
	if (p->pos < p->len && p->text[p->pos] == close) {
		p->pos++;
		return 0;
	}
	for (;;) {
		char *key = NULL;

		skip_blanks(p);
		if (v->type == JSON_OBJECT) {
			if (p->pos >= p->len || p->text[p->pos] != '"')
				return fail(p, "expected a key string, found %s", here(p));
			if (parse_string(p, &key))
				return -1;
			skip_blanks(p);
			if (p->pos >= p->len || p->text[p->pos] != ':') {
				free(key);
				return fail(p, "expected ':' after a key, found %s", here(p));
			}
			p->pos++;
			skip_blanks(p);
		}
		if (add_member(p, v, key, &cap)) {
			free(key);
			return -1;
		}
		if (parse_value(p, &v->items[v->count - 1], depth + 1))
			return -1;
		skip_blanks(p);
		if (p->pos < p->len && p->text[p->pos] == ',') {
			p->pos++;
			continue;
		}
		if (p->pos < p->len && p->text[p->pos] == close) {
			p->pos++;
			return 0;
		}
		return fail(p, "expected ',' or '%c', found %s", close, here(p));
	}
}

static int parse_value(struct parser *p, struct json_value *v, int depth)
{
	static const struct { const char *word; enum json_type type; } words[] = {
		{ "null", JSON_NULL }, { "false", JSON_FALSE }, { "true", JSON_TRUE },
	};

	memset(v, 0, sizeof(*v));
	skip_blanks(p);
	v->line = p->line;
	if (depth > JSON_READ_MAX_DEPTH)
		return fail(p, "nested deeper than %d levels", JSON_READ_MAX_DEPTH);
	if (p->pos >= p->len)
		return fail(p, "expected a value, found the end of the input");
	switch (p->text[p->pos]) {
	case '{':
		v->type = JSON_OBJECT;
		return parse_members(p, v, depth);
	case '[':
		v->type = JSON_ARRAY;
		return parse_members(p, v, depth);
	case '"':
		v->type = JSON_STRING;
		return parse_string(p, &v->string);
	}
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		size_t n = strlen(words[i].word);

		if (p->len - p->pos >= n && !memcmp(p->text + p->pos, words[i].word, n)) {
			v->type = words[i].type;
			p->pos += n;
			return 0;
		}
	}
	return parse_number(p, v);
}

int json_parse(const char *text, size_t len, const char *name,
	       struct json_value *root, char *err, size_t errlen)
{
	struct parser p = { .text = text, .len = len, .line = 1, .name = name,
			    .err = err, .errlen = errlen };

	if (parse_value(&p, root, 0)) {
		json_free(root);
		return -1;
	}
	skip_blanks(&p);
	if (p.pos < p.len) {
		fail(&p, "text after the document: %s", here(&p));
		json_free(root);
		return -1;
	}
	return 0;
}

int json_read_file(const char *path, struct json_value *root, char *err,
		   size_t errlen)
{
	FILE *f = fopen(path, "r");
	size_t n = 0, cap = 1 << 14;
	char *buf, *bigger;
	int ret;

	memset(root, 0, sizeof(*root));
	if (!f) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	buf = malloc(cap);
	while (buf) {
		n += fread(buf + n, 1, cap - n, f);
		if (n < cap || cap >= JSON_READ_MAX_BYTES)
			break;
		cap *= 2;
		bigger = realloc(buf, cap);
		if (!bigger)
			free(buf);
		buf = bigger;
	}
	if (!buf || ferror(f) || n == cap) {
		snprintf(err, errlen, "%s: %s", path, !buf ? "out of memory" :
			 ferror(f) ? "read error" : "larger than 16 MiB");
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	ret = json_parse(buf, n, path, root, err, errlen);
	free(buf);
	return ret;
}

const struct json_value *json_get(const struct json_value *object,
				  const char *key)
{
	if (!object || object->type != JSON_OBJECT)
		return NULL;
	for (size_t i = 0; i < object->count; i++)
		if (strcmp(object->keys[i], key) == 0)
			return &object->items[i];
	return NULL;
}

const char *json_type_name(enum json_type type)
{
	switch (type) {
	case JSON_NULL: return "null";
	case JSON_FALSE: case JSON_TRUE: return "a boolean";
	case JSON_NUMBER: return "a number";
	case JSON_STRING: return "a string";
	case JSON_ARRAY: return "an array";
	case JSON_OBJECT: return "an object";
	}
	return "?";
}

void json_free(struct json_value *root)
{
	for (size_t i = 0; i < root->count; i++) {
		json_free(&root->items[i]);
		if (root->keys)
			free(root->keys[i]);
	}
	free(root->items);
	free(root->keys);
	free(root->string);
	memset(root, 0, sizeof(*root));
}
