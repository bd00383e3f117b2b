// SPDX-License-Identifier: GPL-2.0
/*
 * tb-profile: guest instructions executed per kernel function, from a QEMU
 * TCG log written with "-d exec,nochain,in_asm" (QEMU 7.2 format).
 *
 *   tb-profile SYSTEM_MAP [LOG]      (LOG: default standard input, may be
 *                                     a FIFO that QEMU writes with -D)
 *
 * "in_asm" prints each translation block (TB) once, when it is translated:
 * an "IN:" line, one "0xADDR:  bytes  mnemonic" line per guest instruction,
 * a blank line.  "exec" with "nochain" prints a "Trace N: HOST [CS/PC/...]"
 * line every time a TB starts, since unchained TBs always return to the
 * main loop; HOST is the translation's address in QEMU.  One guest address
 * can have several live translations (under -icount QEMU also translates
 * single-instruction blocks for I/O), so sizes are kept per HOST: a
 * translation runs right after it is printed, and its first start ties
 * its HOST to its size.  A start whose HOST is unknown takes the size of
 * the latest translation at its guest address.  A TB left early (an
 * exception, an interrupt, an I/O instruction under -icount) is counted
 * whole, so the figures are upper bounds, the same way for the kernels
 * compared.
 *
 * Output, one line per function that ran, sorted by name:
 *   FUNCTION<TAB>INSTRUCTIONS<TAB>TB_STARTS
 * with FUNCTION the System.map text symbol (t, T, W) at or below each TB's
 * first address (static functions of one name in several files are summed);
 * TBs below the first symbol are "?".
 *
 * Exit status: 0, or 1 with a message when a file cannot be read or
 * memory runs out.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tb_stat {
	uint64_t pc;		/* guest address of the TB's first instruction */
	uint64_t insns;		/* instructions of its latest translation */
	uint64_t starts;	/* times it started */
	uint64_t executed;	/* sum over starts of insns at that time */
};

/* Open-addressing table of TBs keyed by pc; pc 0 marks a free slot. */
struct tb_table {
	struct tb_stat *slots;
	size_t cap, used;
};

struct symbol {
	uint64_t addr;
	char *name;
};

struct fn_stat {
	const char *name;
	uint64_t executed, starts;
};

static void die(const char *what, const char *why)
{
	fprintf(stderr, "tb-profile: %s: %s\n", what, why);
	exit(1);
}

static uint64_t hash_pc(uint64_t pc)
{
	pc ^= pc >> 33;
	pc *= 0xff51afd7ed558ccdULL;
	return pc ^ (pc >> 33);
}

static struct tb_stat *find_tb(struct tb_table *t, uint64_t pc);

static void grow_table(struct tb_table *t)
{
	struct tb_table n = { .cap = t->cap ? 2 * t->cap : 1 << 16 };

	n.slots = calloc(n.cap, sizeof(*n.slots));
	if (!n.slots)
		die("TB table", strerror(ENOMEM));
	for (size_t i = 0; i < t->cap; i++)
		if (t->slots[i].pc)
			*find_tb(&n, t->slots[i].pc) = t->slots[i];
	free(t->slots);
	*t = n;
}

/* The slot of @pc, created (zeroed but for pc) if absent. */
static struct tb_stat *find_tb(struct tb_table *t, uint64_t pc)
{
	size_t i;

	if (2 * (t->used + 1) > t->cap)
		grow_table(t);
	for (i = hash_pc(pc) & (t->cap - 1); t->slots[i].pc; i = (i + 1) & (t->cap - 1))
		if (t->slots[i].pc == pc)
			return &t->slots[i];
	t->slots[i].pc = pc;
	t->used++;
	return &t->slots[i];
}

/* "Trace 0: 0x7f.. [0000000000000000/ffffffff8102ce51/0000c290/ff020200]" */
static int parse_trace(const char *line, uint64_t *host, uint64_t *pc)
{
	const char *p = strchr(line, ':');

	if (!p)
		return -1;
	*host = strtoull(p + 1, NULL, 16);
	p = strchr(p, '[');
	if (!p || !(p = strchr(p, '/')))
		return -1;
	*pc = strtoull(p + 1, NULL, 16);
	return 0;
}

/*
 * @t: per guest address; @sizes: per translation (keyed by HOST, "insns"
 * is the translation's size, 0 while unknown: a block has at least one
 * instruction).  @pending_pc/@pending_insns: the block printed last, not
 * yet started.
 */
static void read_log(FILE *in, struct tb_table *t, struct tb_table *sizes)
{
	char line[4096];
	uint64_t block_pc = 0, block_insns = 0;
	uint64_t pending_pc = 0, pending_insns = 0;
	int in_block = 0;

	while (fgets(line, sizeof(line), in)) {
		if (!strncmp(line, "Trace ", 6)) {
			struct tb_stat *s, *size;
			uint64_t host, pc;

			if (parse_trace(line, &host, &pc) || !pc || !host)
				continue;
			size = find_tb(sizes, host);
			if (pending_pc == pc) {
				size->insns = pending_insns;
				pending_pc = 0;
			}
			s = find_tb(t, pc);
			s->starts++;
			s->executed += size->insns ? size->insns : s->insns;
		} else if (!strncmp(line, "IN:", 3)) {
			in_block = 1;
			block_pc = 0;
			block_insns = 0;
		} else if (in_block && !strncmp(line, "0x", 2)) {
			if (!block_pc)
				block_pc = strtoull(line, NULL, 16);
			block_insns++;
		} else if (in_block && (line[0] == '\n' || line[0] == '\0')) {
			if (block_pc) {
				find_tb(t, block_pc)->insns = block_insns;
				pending_pc = block_pc;
				pending_insns = block_insns;
			}
			in_block = 0;
		}
	}
	if (ferror(in))
		die("reading the log", strerror(errno));
}

static int cmp_symbol(const void *a, const void *b)
{
	const struct symbol *x = a, *y = b;

	return (x->addr > y->addr) - (x->addr < y->addr);
}

/* Text symbols of @path (System.map: "ADDR TYPE NAME"), sorted by address. */
static struct symbol *read_symbols(const char *path, size_t *n)
{
	FILE *f = fopen(path, "r");
	struct symbol *syms = NULL;
	size_t cap = 0;
	char name[512], type;
	uint64_t addr;

	if (!f)
		die(path, strerror(errno));
	*n = 0;
	while (fscanf(f, "%" SCNx64 " %c %511s", &addr, &type, name) == 3) {
		if (type != 't' && type != 'T' && type != 'W')
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 4096;
			syms = realloc(syms, cap * sizeof(*syms));
			if (!syms)
				die(path, strerror(ENOMEM));
		}
		syms[*n].addr = addr;
		syms[*n].name = strdup(name);
		if (!syms[*n].name)
			die(path, strerror(ENOMEM));
		(*n)++;
	}
	fclose(f);
	if (!*n)
		die(path, "no text symbols (not a System.map?)");
	qsort(syms, *n, sizeof(*syms), cmp_symbol);
	return syms;
}

/* Index of the last symbol at or below @pc, or -1. */
static long find_symbol(const struct symbol *syms, size_t n, uint64_t pc)
{
	long lo = 0, hi = (long)n - 1, best = -1;

	while (lo <= hi) {
		long mid = lo + (hi - lo) / 2;

		if (syms[mid].addr <= pc) {
			best = mid;
			lo = mid + 1;
		} else {
			hi = mid - 1;
		}
	}
	return best;
}

static int cmp_fn(const void *a, const void *b)
{
	const struct fn_stat *x = a, *y = b;

	return strcmp(x->name, y->name);
}

int main(int argc, char **argv)
{
	struct tb_table tbs = { 0 }, sizes = { 0 };
	struct symbol *syms;
	struct fn_stat *fns;
	size_t n_syms, n_fns = 0;
	FILE *in = stdin;

	if (argc < 2 || argc > 3 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fprintf(stderr, "usage: tb-profile SYSTEM_MAP [LOG]\n");
		return argc == 2 ? 0 : 2;
	}
	syms = read_symbols(argv[1], &n_syms);
	if (argc == 3 && !(in = fopen(argv[2], "r")))
		die(argv[2], strerror(errno));
	grow_table(&tbs);
	grow_table(&sizes);
	read_log(in, &tbs, &sizes);

	/* One slot per symbol plus "?"; summed by symbol index. */
	fns = calloc(n_syms + 1, sizeof(*fns));
	if (!fns)
		die("function table", strerror(ENOMEM));
	for (size_t i = 0; i < tbs.cap; i++) {
		const struct tb_stat *s = &tbs.slots[i];
		long k;

		if (!s->pc || !s->starts)
			continue;
		k = find_symbol(syms, n_syms, s->pc);
		fns[k + 1].name = k < 0 ? "?" : syms[k].name;
		fns[k + 1].executed += s->executed;
		fns[k + 1].starts += s->starts;
	}
	for (size_t i = 0; i <= n_syms; i++)
		if (fns[i].name)
			fns[n_fns++] = fns[i];
	qsort(fns, n_fns, sizeof(*fns), cmp_fn);
	/* Static functions of the same name in several files: one line. */
	for (size_t i = 0; i < n_fns; ) {
		uint64_t executed = 0, starts = 0;
		size_t j;

		for (j = i; j < n_fns && !strcmp(fns[j].name, fns[i].name); j++) {
			executed += fns[j].executed;
			starts += fns[j].starts;
		}
		printf("%s\t%" PRIu64 "\t%" PRIu64 "\n", fns[i].name, executed, starts);
		i = j;
	}
	return 0;
}
