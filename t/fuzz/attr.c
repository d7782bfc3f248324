/*
 * Fuzz target: gitattributes text, then the attributes of paths taken
 * from the input's last line (libFuzzer).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "git/git_attr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const paths[] = {"a", "a.txt", "d/e/f.c", "dir/", "x/y/z/w", ".gitattributes"};
	struct git_repo *repo = ecalloc(1, sizeof(*repo));
	struct git_attr_value v[GIT_ATTR_NWANT];
	const char *nl = memrchr(data, '\n', size);
	struct git_attrs *a;
	char *last;
	size_t i;

	repo->commondir = estrdup("/nonexistent/fuzz/.git");
	git_set_format(repo, GIT_HASH_SHA1);
	a = git_attrs_from_text(repo, (const char *)data, size);
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		git_attr_check(a, NULL, paths[i], v);
	last = nl ? estrndup(nl + 1, size - (size_t)((const uint8_t *)nl + 1 - data)) : estrdup("");
	if (*last && last[strlen(last) - 1] != '/' && !strstr(last, "//"))
		git_attr_check(a, NULL, last, v);
	free(last);
	git_attrs_free(a);
	git_close(repo);
	return 0;
}
