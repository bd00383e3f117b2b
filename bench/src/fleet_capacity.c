// SPDX-License-Identifier: GPL-2.0
/* Reads lags-capacity's capacity.json (format in fleet_capacity.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "fleet_capacity.h"
#include "json_reader.h"

/* Fills one configuration from its JSON object; -1 with why. */
static int read_config(const struct json_value *v, size_t index,
		       const struct fleet_capacity *set, struct fleet_config *c,
		       char *why, size_t whylen)
{
	const struct json_value *name = json_get(v, "config");
	const struct json_value *bound = json_get(v, "bound");
	const struct json_value *cap = json_get(v, "capacity_per_s");

	*c = (struct fleet_config){ .line = v->line };
	if (v->type != JSON_OBJECT) {
		snprintf(why, whylen, "configs[%zu] is %s, expected an object",
			 index, json_type_name(v->type));
		return -1;
	}
	if (!name || name->type != JSON_STRING || !name->string[0] ||
	    strlen(name->string) >= FLEET_NAME_MAX) {
		snprintf(why, whylen, "configs[%zu]: \"config\" must be a name of 1 to %d bytes",
			 index, FLEET_NAME_MAX - 1);
		return -1;
	}
	snprintf(c->name, sizeof(c->name), "%s", name->string);
	if (fleet_capacity_find(set, c->name)) {
		snprintf(why, whylen, "configs[%zu]: configuration '%s' appears twice",
			 index, c->name);
		return -1;
	}
	if (!bound || bound->type != JSON_STRING) {
		snprintf(why, whylen, "configs[%zu] (%s): \"bound\" missing or not a string",
			 index, c->name);
		return -1;
	}
	if (strcmp(bound->string, "exact") == 0) {
		c->bound = FLEET_BOUND_EXACT;
	} else if (strcmp(bound->string, "above") == 0) {
		c->bound = FLEET_BOUND_AT_LEAST;
	} else if (strcmp(bound->string, "below") == 0) {
		c->bound = FLEET_BOUND_UNKNOWN;
		return 0;
	} else {
		snprintf(why, whylen, "configs[%zu] (%s): bound '%s', expected exact, above or below",
			 index, c->name, bound->string);
		return -1;
	}
	if (!cap || cap->type != JSON_NUMBER || !(cap->number > 0)) {
		if (cap && cap->type == JSON_NUMBER)
			snprintf(why, whylen, "configs[%zu] (%s): capacity_per_s must be positive, got %g",
				 index, c->name, cap->number);
		else
			snprintf(why, whylen, "configs[%zu] (%s): capacity_per_s must be a number, got %s",
				 index, c->name, cap ? json_type_name(cap->type) : "nothing");
		return -1;
	}
	c->capacity_per_s = cap->number;
	return 0;
}

int fleet_capacity_read(const char *path, struct fleet_capacity *set,
			char *err, size_t errlen)
{
	char file[4096], why[192];
	struct json_value root;
	const struct json_value *configs;
	struct stat st;
	int ret = -1;

	*set = (struct fleet_capacity){ 0 };
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		snprintf(file, sizeof(file), "%s/capacity.json", path);
	else
		snprintf(file, sizeof(file), "%s", path);
	if (json_read_file(file, &root, err, errlen))
		return -1;
	configs = json_get(&root, "configs");
	if (!configs || configs->type != JSON_ARRAY) {
		snprintf(err, errlen, "%s: expected an object with a \"configs\" array (lags-capacity's capacity.json)",
			 file);
		goto out;
	}
	if (configs->count == 0) {
		snprintf(err, errlen, "%s:%lu: \"configs\" is empty", file, configs->line);
		goto out;
	}
	set->configs = calloc(configs->count, sizeof(*set->configs));
	if (!set->configs) {
		snprintf(err, errlen, "%s: out of memory", file);
		goto out;
	}
	for (size_t i = 0; i < configs->count; i++) {
		if (read_config(&configs->items[i], i, set, &set->configs[i], why,
				sizeof(why))) {
			snprintf(err, errlen, "%s:%lu: %s", file, configs->items[i].line, why);
			goto out;
		}
		set->count++;
	}
	ret = 0;
out:
	json_free(&root);
	if (ret)
		fleet_capacity_free(set);
	return ret;
}

const struct fleet_config *fleet_capacity_find(const struct fleet_capacity *set,
					       const char *name)
{
	for (size_t i = 0; i < set->count; i++)
		if (strcmp(set->configs[i].name, name) == 0)
			return &set->configs[i];
	return NULL;
}

void fleet_capacity_free(struct fleet_capacity *set)
{
	free(set->configs);
	*set = (struct fleet_capacity){ 0 };
}
