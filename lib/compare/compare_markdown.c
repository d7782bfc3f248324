/*
 * compare_markdown: a comparison in GitHub-flavoured Markdown, for a
 * pull-request comment or $GITHUB_STEP_SUMMARY (compare.h).
 */
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "util/markdown.h"
#include "util/table.h"

static void
summary_line(struct buf *out, const struct report *r)
{
	buf_puts(out, "**");
	compare_summary_counts(out, r);
	buf_puts(out, "**: ");
	md_text(out, r->label[1]);
	buf_puts(out, " against ");
	md_text(out, r->label[0]);
	if (r->average)
		buf_printf(out, " (%zu and %zu runs)", r->side[1]->nrows, r->side[0]->nrows);
	buf_puts(out, "\n\n");
}

static void
notes(struct buf *out, const struct report *r)
{
	const struct result *res = r->res;
	struct buf line = BUF_INIT;

	compare_summary_notes(out, r, "- ");
	if (res->skipped_failed)
		buf_printf(out, "- %zu pairing-key row pair(s) skipped because one or both sides failed\n",
		           res->skipped_failed);
	if (res->new_in_b) {
		buf_printf(&line, "%zu row(s) new in '%s' (no matching key in '%s')", res->new_in_b,
		           r->label[1], r->label[0]);
		buf_puts(out, "- ");
		md_text(out, line.s);
		buf_putc(out, '\n');
	}
	if (res->removed_from_a) {
		buf_reset(&line);
		buf_printf(&line, "%zu row(s) removed from '%s' (no matching key in '%s')",
		           res->removed_from_a, r->label[0], r->label[1]);
		buf_puts(out, "- ");
		md_text(out, line.s);
		buf_putc(out, '\n');
	}
	if (res->skipped_failed || res->new_in_b || res->removed_from_a || res->one_sided ||
	    res->denomination)
		buf_putc(out, '\n');
	buf_free(&line);
}

void
compare_markdown(struct buf *out, const struct report *r)
{
	const struct result *res = r->res;
	struct finding *same = ereallocarray(NULL, res->nall ? res->nall : 1, sizeof *same);
	struct table t;
	size_t i, nsame = 0;

	summary_line(out, r);
	if (res->nf) {
		compare_findings_table(&t, r, res->f, res->nf);
		md_table(out, &t);
		table_free(&t);
		buf_putc(out, '\n');
	} else {
		buf_puts(out, "No metric changed past its gate.\n\n");
	}
	for (i = 0; i < res->nall; i++)
		if (res->all[i].verdict == VERDICT_UNCHANGED)
			same[nsame++] = res->all[i];
	if (nsame) {
		buf_printf(out, "<details><summary>%zu unchanged</summary>\n\n", nsame);
		compare_findings_table(&t, r, same, nsame);
		md_table(out, &t);
		table_free(&t);
		buf_puts(out, "\n</details>\n\n");
	}
	notes(out, r);
	if (r->host_section && *r->host_section) {
		buf_puts(out, "<details><summary>hosts</summary>\n\n");
		md_code_block(out, r->host_section, strlen(r->host_section));
		buf_puts(out, "\n</details>\n");
	}
	free(same);
}
