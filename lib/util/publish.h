/*
 * publish: write a whole file so that a reader sees the old one or the
 * new one, never a part: the bytes go to a fresh staging file beside
 * the target (created O_EXCL|O_NOFOLLOW, so nothing planted there is
 * followed or reused), which is then renamed over it.  A target that
 * is not a regular file (a device such as /dev/stdout, a FIFO) is
 * written in place instead, never replaced; a directory is EISDIR.
 */
#ifndef KTSTR_PUBLISH_H
#define KTSTR_PUBLISH_H

#include <stddef.h>

/* 0, or -1 with errno set and no staging file left behind. */
int file_publish(const char *path, const void *data, size_t len);

#endif
