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

# make static: musl-gcc when it is installed, else cc with glibc's
# static libc.  Unused functions and data are dropped, symbols stripped.
STATIC_CC != command -v musl-gcc >/dev/null 2>&1 && echo musl-gcc || echo cc
STATIC_CFLAGS = -ffunction-sections -fdata-sections
STATIC_LDFLAGS = -static -Wl,--gc-sections -s

SANFLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

# make fuzz: libFuzzer comes with clang; seconds of fuzzing per harness.
FUZZCC = clang
FUZZFLAGS = -std=c11 -O1 -g $(SANFLAGS)
FUZZTIME = 15
