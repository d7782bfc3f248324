# ktstr-utils build configuration; override on the make command line.
VERSION = 0.1.0

PREFIX = /usr/local
MANPREFIX = $(PREFIX)/share/man
DESTDIR =

CC = cc
AR = ar
CPPFLAGS = -D_GNU_SOURCE -DVERSION=\"$(VERSION)\"
# Warnings are errors where the code is checked (make check, .ci/run),
# not for a user whose newer compiler warns about something new.
WERROR =
CFLAGS = -std=c11 -O2 -g -Wall -Wextra $(WERROR) -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
LDFLAGS =
LDLIBS = -lm -lpthread

SANFLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
