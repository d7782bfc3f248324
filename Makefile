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
# Programs the tests run, not tests themselves.
HELPERSRC != ls t/helper/*.c 2>/dev/null || true
HELPER = $(HELPERSRC:.c=)
SHTESTS != ls t/t[0-9]*.sh 2>/dev/null || true

# Every t/fuzz/*.c is a libFuzzer harness: the one list `make fuzz` builds.
FUZZSRC != ls t/fuzz/*.c 2>/dev/null || true
FUZZ = $(FUZZSRC:.c=.fuzz)
FUZZOBJ = $(LIBSRC:.c=.fo)
FUZZLIB = t/fuzz/libktstr-fuzz.a

MAN1 != ls man/*.1 2>/dev/null || true
MAN5 != ls man/*.5 2>/dev/null || true
MAN7 != ls man/*.7 2>/dev/null || true

all: $(BIN)

# The static build (make static) keeps its objects apart from the normal
# build's, as *.sto beside each *.o, and puts what it links in static/,
# laid out as the tree is (static/bin, static/lib, static/t/unit): neither
# build ever links or replaces the other's files.  static/cc names the
# compiler its objects came from, so that a new STATIC_CC (musl-gcc
# installed since, say) rebuilds them all.
SLIBOBJ = $(LIBSRC:.c=.sto)
SBINOBJ = $(BINSRC:.c=.sto)
SUNITOBJ = $(UNITSRC:.c=.sto)
SLIB = static/lib/libktstr.a

$(LIBOBJ): $(LIBHDR) config.mk
$(LIB): $(LIBOBJ)
	rm -f $@
	$(AR) rcs $@ $(LIBOBJ)

.SUFFIXES: .c .o .t .sto .fo .fuzz
.c.o:
	$(CC) $(CPPFLAGS) $(CFLAGS) -Ilib -c -o $@ $<

.c.sto:
	$(STATIC_CC) $(CPPFLAGS) $(CFLAGS) $(STATIC_CFLAGS) -Ilib -c -o $@ $<

$(BIN): $(LIB) $(LIBHDR)

.c:
	$(CC) $(CPPFLAGS) $(CFLAGS) -Ilib -o $@ $< $(LIB) $(LDFLAGS) $(LDLIBS)

.c.t:
	$(CC) $(CPPFLAGS) $(CFLAGS) -Ilib -It/unit -o $@ $< $(LIB) $(LDFLAGS) $(LDLIBS)

$(UNIT): $(LIB) $(LIBHDR) t/unit/tap.h
$(HELPER): $(LIB) $(LIBHDR)

static/cc: FORCE
	@mkdir -p static
	@echo '$(STATIC_CC)' | cmp -s - $@ || echo '$(STATIC_CC)' >$@

$(SLIBOBJ) $(SBINOBJ) $(SUNITOBJ): $(LIBHDR) config.mk static/cc
$(SUNITOBJ): t/unit/tap.h
$(SLIB): $(SLIBOBJ)
	mkdir -p static/lib
	rm -f $@
	$(AR) rcs $@ $(SLIBOBJ)

# A few links each time are quicker than the bookkeeping that would
# skip them (suffix rules cannot name a file in another directory).
static: $(SLIB) $(SBINOBJ)
	mkdir -p static/bin
	for o in $(SBINOBJ); do \
		$(STATIC_CC) -o static/$${o%.sto} $$o $(SLIB) $(STATIC_LDFLAGS) $(LDLIBS) || exit 1; \
	done

static-unit: $(SLIB) $(SUNITOBJ)
	mkdir -p static/t/unit
	for o in $(SUNITOBJ); do \
		$(STATIC_CC) -o static/$${o%.sto}.t $$o $(SLIB) $(STATIC_LDFLAGS) $(LDLIBS) || exit 1; \
	done

# The library again, instrumented for libFuzzer (its own objects, .fo,
# so the normal build is untouched), and each harness linked against it.
.c.fo:
	$(FUZZCC) $(CPPFLAGS) $(FUZZFLAGS) -fsanitize=fuzzer-no-link -Ilib -c -o $@ $<

.c.fuzz:
	$(FUZZCC) $(CPPFLAGS) $(FUZZFLAGS) -fsanitize=fuzzer -Ilib -o $@ $< $(FUZZLIB) $(LDLIBS)

$(FUZZOBJ): $(LIBHDR) config.mk
$(FUZZLIB): $(FUZZOBJ)
	rm -f $@
	$(AR) rcs $@ $(FUZZOBJ)
$(FUZZ): $(FUZZLIB) $(LIBHDR)

# make fuzz: build every harness, replay its corpus and crash inputs,
# then fuzz each for FUZZTIME seconds (t/fuzz/run says how).
fuzz:
	sh t/fuzz/run check '$(FUZZCC)'
	$(MAKE) $(FUZZ)
	sh t/fuzz/run run '$(FUZZTIME)' $(FUZZ)

check:
	$(MAKE) WERROR=-Werror all $(UNIT) $(HELPER)
	KTSTR_TOP="$$(pwd)" prove --exec '' -j2 $(UNIT) $(SHTESTS)

# The same tests against the static build: its unit tests, and the shell
# tests running the programs of static/bin (t/lib.sh's KTSTR_BUILD).  The
# normal build is made too: the chroot test compares the two.
check-static:
	$(MAKE) WERROR=-Werror all static static-unit $(HELPER)
	KTSTR_TOP="$$(pwd)" KTSTR_BUILD="$$(pwd)/static" prove --exec '' -j2 \
		$(UNITSRC:t/unit/%.c=static/t/unit/%.t) $(SHTESTS)

# The sanitizer build replaces the normal objects; clean before and after
# so neither build picks up the other's objects.
check-asan:
	$(MAKE) clean
	$(MAKE) CFLAGS='$(CFLAGS) $(SANFLAGS)' LDFLAGS='$(LDFLAGS) $(SANFLAGS)' check || \
		{ $(MAKE) clean; exit 1; }
	$(MAKE) clean

demo: all
	sh doc/demo.sh

install: all install-man
	mkdir -p $(DESTDIR)$(PREFIX)/bin
	cp -f $(BIN) $(DESTDIR)$(PREFIX)/bin/

install-static: static install-man
	mkdir -p $(DESTDIR)$(PREFIX)/bin
	for b in $(BIN); do cp -f static/$$b $(DESTDIR)$(PREFIX)/bin/ || exit 1; done

install-man:
	mkdir -p $(DESTDIR)$(MANPREFIX)/man1 $(DESTDIR)$(MANPREFIX)/man5 $(DESTDIR)$(MANPREFIX)/man7
	cp -f $(MAN1) $(DESTDIR)$(MANPREFIX)/man1/
	for m in $(MAN5); do cp -f $$m $(DESTDIR)$(MANPREFIX)/man5/; done
	for m in $(MAN7); do cp -f $$m $(DESTDIR)$(MANPREFIX)/man7/; done

uninstall:
	for b in $(BIN); do rm -f $(DESTDIR)$(PREFIX)/bin/$${b#bin/}; done
	for m in $(MAN1); do rm -f $(DESTDIR)$(MANPREFIX)/man1/$${m#man/}; done
	for m in $(MAN5); do rm -f $(DESTDIR)$(MANPREFIX)/man5/$${m#man/}; done
	for m in $(MAN7); do rm -f $(DESTDIR)$(MANPREFIX)/man7/$${m#man/}; done

clean:
	rm -f $(LIB) lib/*/*.o $(BIN) $(HELPER) t/unit/*.t t/fuzz/*.fuzz $(FUZZLIB) lib/*/*.fo
	rm -f lib/*/*.sto bin/*.sto t/unit/*.sto
	rm -rf static t/trash.*

FORCE:

.PHONY: all static static-unit check check-static check-asan fuzz demo install install-static install-man \
	uninstall clean FORCE
