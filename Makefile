# ktstr-utils.  POSIX make (the != assignment is POSIX.1-2024; GNU make
# 4 and every BSD make have it), so adding a source file never means
# editing this file.
.POSIX:
.SUFFIXES:

include config.mk

LIBSRC != ls lib/*/*.c 2>/dev/null || true
LIBHDR != ls lib/*/*.h 2>/dev/null || true
LIBOBJ = $(LIBSRC:.c=.o)
LIB = lib/libktstr.a

BINSRC != ls bin/*.c 2>/dev/null || true
BIN = $(BINSRC:.c=)

UNITSRC != ls t/unit/*.c 2>/dev/null || true
UNIT = $(UNITSRC:.c=.t)
SHTESTS != ls t/t[0-9]*.sh 2>/dev/null || true

MAN1 != ls man/*.1 2>/dev/null || true
MAN5 != ls man/*.5 2>/dev/null || true
MAN7 != ls man/*.7 2>/dev/null || true

all: $(BIN)

$(LIBOBJ): $(LIBHDR) config.mk
$(LIB): $(LIBOBJ)
	rm -f $@
	$(AR) rcs $@ $(LIBOBJ)

.SUFFIXES: .c .o .t
.c.o:
	$(CC) $(CPPFLAGS) $(CFLAGS) -Ilib -c -o $@ $<

$(BIN): $(LIB) $(LIBHDR)

.c:
	$(CC) $(CPPFLAGS) $(CFLAGS) -Ilib -o $@ $< $(LIB) $(LDFLAGS) $(LDLIBS)

.c.t:
	$(CC) $(CPPFLAGS) $(CFLAGS) -Ilib -It/unit -o $@ $< $(LIB) $(LDFLAGS) $(LDLIBS)

$(UNIT): $(LIB) $(LIBHDR) t/unit/tap.h

check:
	$(MAKE) WERROR=-Werror all $(UNIT)
	KTSTR_TOP="$$(pwd)" prove --exec '' -j2 $(UNIT) $(SHTESTS)

# The sanitizer build replaces the normal objects; clean before and after
# so neither build picks up the other's objects.
check-asan:
	$(MAKE) clean
	$(MAKE) CFLAGS='$(CFLAGS) $(SANFLAGS)' LDFLAGS='$(LDFLAGS) $(SANFLAGS)' check || \
		{ $(MAKE) clean; exit 1; }
	$(MAKE) clean

demo: all
	sh doc/demo.sh

install: all
	mkdir -p $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANPREFIX)/man1 \
		$(DESTDIR)$(MANPREFIX)/man5 $(DESTDIR)$(MANPREFIX)/man7
	cp -f $(BIN) $(DESTDIR)$(PREFIX)/bin/
	cp -f $(MAN1) $(DESTDIR)$(MANPREFIX)/man1/
	for m in $(MAN5); do cp -f $$m $(DESTDIR)$(MANPREFIX)/man5/; done
	for m in $(MAN7); do cp -f $$m $(DESTDIR)$(MANPREFIX)/man7/; done

uninstall:
	for b in $(BIN); do rm -f $(DESTDIR)$(PREFIX)/bin/$${b#bin/}; done
	for m in $(MAN1); do rm -f $(DESTDIR)$(MANPREFIX)/man1/$${m#man/}; done
	for m in $(MAN5); do rm -f $(DESTDIR)$(MANPREFIX)/man5/$${m#man/}; done
	for m in $(MAN7); do rm -f $(DESTDIR)$(MANPREFIX)/man7/$${m#man/}; done

clean:
	rm -f $(LIB) lib/*/*.o $(BIN) t/unit/*.t t/fuzz/*.fuzz
	rm -rf t/trash.*

.PHONY: all check check-asan demo install uninstall clean
