// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "json_writer.h"
#include "tap.h"
#include "unit.h"

void test_json_writer(void)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);
	struct json_writer w;
	static const char want[] =
		"{\n  \"a\": 1,\n  \"s\": \"q\\\"\\n\",\n  \"l\": [\n    2.5,\n"
		"    null,\n    {}\n  ],\n  \"t\": true\n}\n";

	json_init(&w, f);
	json_object_begin(&w, NULL);
	json_uint(&w, "a", 1);
	json_string(&w, "s", "q\"\n");
	json_array_begin(&w, "l");
	json_double(&w, NULL, 2.5);
	json_double(&w, NULL, 0.0 / 0.0);
	json_object_begin(&w, NULL);
	json_object_end(&w);
	json_array_end(&w);
	json_bool(&w, "t", 1);
	json_object_end(&w);
	fclose(f);
	tap_ok(strcmp(text, want) == 0,
	       "json: nesting, escaping, NaN as null, empty object");
	free(text);
}
