/* xml: text and attribute content for the SVG and XML documents the tools write. */
#ifndef KTSTR_XML_H
#define KTSTR_XML_H

#include <stddef.h>

#include "util.h"

/*
 * s[0..n) escaped for XML 1.0 text or a quoted attribute: & < > " '
 * as references; characters XML does not allow (most controls, the
 * non-characters U+FFFE/U+FFFF) and bytes that start no well-formed
 * UTF-8 sequence as U+FFFD.  multiline keeps newline and tab (text
 * content); without it they become U+FFFD too (a one-line label).
 */
void xml_text(struct buf *b, const char *s, size_t n, int multiline);

#endif
