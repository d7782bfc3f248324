/*
 * publish: write a whole file a user named (a chart) so that a reader
 * sees the old one or the new one, never a part: the bytes go to a
 * fresh staging file beside the target (temp_create_at: O_EXCL|
 * O_NOFOLLOW, so nothing planted there is followed or reused), which is
 * then renamed over it.  A target that is not a regular file (a device
 * such as /dev/null, a FIFO) is written in place instead, never
 * replaced; so is a symlink to one (/dev/stdout on a pipe or a
 * terminal).  Any other symlink is refused (ESYMLINK), neither followed,
 * which would write to a file the user never named, nor replaced,
 * which as root could replace /dev/stdout itself.  A directory is
 * EISDIR.
 */
#ifndef KTSTR_PUBLISH_H
#define KTSTR_PUBLISH_H

#include <stddef.h>

/* 0, or -1 with errno set and no staging file left behind. */
int file_publish(const char *path, const void *data, size_t len);

#endif
