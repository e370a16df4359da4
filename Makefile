# landed: build, test, demo and install.
#
#   make            build build/landed
#   make check      unit and integration tests, then again under ASan+UBSan
#   make demo       check a simulated seed list on a local Dovecot
#   make lab        send four test messages through a receiving site on
#                   loopback (knot, rspamd, Postfix, Dovecot) and check them
#   make fuzz       run every libFuzzer target for FUZZ_SECONDS each (clang)
#   make bench      run the benchmarks in bench/
#   make deps       install the Debian packages the build and tests need
#   make install    PREFIX=/usr/local DESTDIR=
#
# Every library comes from pkg-config.  When one is missing, build/config.mk
# cannot be made until `make deps` has installed it, and make runs that step
# itself.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
INCLUDEDIR ?= $(PREFIX)/include
LIBDIR ?= $(PREFIX)/lib
FUZZ_SECONDS ?= 30

CC ?= cc
CLANG ?= clang
PKGS = libetpan libpcre2-8 jansson inih openssl libxml-2.0

WARNINGS = -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes \
	-Wmissing-prototypes -Wcast-qual -Wpointer-arith
ifneq ($(CI),)
WARNINGS += -Werror
endif

BUILD = build
SAN = $(BUILD)/san
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined

.DEFAULT_GOAL := all

-include $(BUILD)/config.mk

$(BUILD)/config.mk: scripts/deps Makefile
	@mkdir -p $(BUILD)
	@scripts/deps ensure
	@{ echo "PKG_CFLAGS = $$(pkg-config --cflags $(PKGS))"; \
	   echo "PKG_LIBS = $$(pkg-config --libs $(PKGS)) -lpthread"; } > $@.tmp
	@mv $@.tmp $@

BASE_CFLAGS = -std=c11 -D_GNU_SOURCE -g -Iinclude -Isrc -Iproviders $(WARNINGS) \
	$(PKG_CFLAGS) $(CFLAGS)
OPT = -O2

LIB_SRCS = $(filter-out src/main.c,$(wildcard src/*.c)) \
	$(filter-out providers/template.c,$(wildcard providers/*.c))
TEST_SRCS = $(wildcard tests/test-*.c)
TEST_NAMES = $(patsubst tests/%.c,%,$(TEST_SRCS))

OBJS = $(patsubst %.c,$(BUILD)/obj/%.o,$(LIB_SRCS))
SAN_OBJS = $(patsubst %.c,$(SAN)/obj/%.o,$(LIB_SRCS))

# Each provider plugin also as a shared object that --plugin-dir loads;
# the same sources are linked into landed.  The command matches the one
# that providers/README.md gives plugin authors.
PLUGIN_SRCS = $(filter-out providers/template.c,$(wildcard providers/*.c))
PLUGIN_SOS = $(patsubst providers/%.c,$(BUILD)/providers/%.so,$(PLUGIN_SRCS))

all: $(BUILD)/landed $(PLUGIN_SOS)

$(BUILD)/providers/%.so: providers/%.c $(wildcard providers/*.h) \
	include/landed/provider.h include/landed/provider-plugin.h \
	include/landed/authres.h
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O2 -shared -fPIC -DLANDED_PLUGIN_SHARED -Iinclude \
		$(WARNINGS) $(CFLAGS) -o $@ $<

$(BUILD)/obj/%.o: %.c $(BUILD)/config.mk
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(OPT) -MMD -MP -c $< -o $@

$(SAN)/obj/%.o: %.c $(BUILD)/config.mk
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) -O1 $(SANFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/liblanded.a: $(OBJS)
	rm -f $@ && ar rcs $@ $^

$(SAN)/liblanded.a: $(SAN_OBJS)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/landed: $(BUILD)/obj/src/main.o $(BUILD)/liblanded.a
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(SAN)/landed: $(SAN)/obj/src/main.o $(SAN)/liblanded.a
	$(CC) $(SANFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/tests/%: $(BUILD)/obj/tests/%.o $(BUILD)/liblanded.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(SAN)/tests/%: $(SAN)/obj/tests/%.o $(SAN)/liblanded.a
	@mkdir -p $(dir $@)
	$(CC) $(SANFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

TEST_BINS = $(addprefix $(BUILD)/tests/,$(TEST_NAMES))
SAN_TEST_BINS = $(addprefix $(SAN)/tests/,$(TEST_NAMES))

# Helper programs for the integration scripts, e.g. tests/tools/imap-probe.c.
TOOL_NAMES = $(patsubst tests/tools/%.c,%,$(wildcard tests/tools/*.c))
TOOL_BINS = $(addprefix $(BUILD)/tools/,$(TOOL_NAMES))
SAN_TOOL_BINS = $(addprefix $(SAN)/tools/,$(TOOL_NAMES))

$(BUILD)/tools/%: $(BUILD)/obj/tests/tools/%.o $(BUILD)/liblanded.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(SAN)/tools/%: $(SAN)/obj/tests/tools/%.o $(SAN)/liblanded.a
	@mkdir -p $(dir $@)
	$(CC) $(SANFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

# Runs every unit test binary and every integration script, first with
# the plain build and then with the sanitized one, and ends with the line
# "N passed, N failed".
check: $(BUILD)/landed $(SAN)/landed $(TEST_BINS) $(SAN_TEST_BINS) \
	$(TOOL_BINS) $(SAN_TOOL_BINS) $(PLUGIN_SOS)
	@tests/run-tests $(BUILD) $(SAN)

demo: $(BUILD)/landed
	@tests/demo/run-demo $(BUILD)/landed

# Needs root and the lab's packages (make deps); see lab/run.
lab: $(BUILD)/landed
	@LANDED=$(BUILD)/landed lab/run

# libFuzzer needs clang.  The fuzz build links libetpan without the
# non-PIE specs file that its pkg-config entry adds for gcc.
FUZZ_SRCS = $(wildcard tests/fuzz/fuzz-*.c)
FUZZ_BINS = $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRCS))
FUZZ_LIBS = $(filter-out -specs=%,$(PKG_LIBS))

$(BUILD)/fuzz/%: tests/fuzz/%.c $(LIB_SRCS) $(BUILD)/config.mk
	@mkdir -p $(dir $@)
	$(CLANG) -std=c11 -D_GNU_SOURCE -g -O1 -Iinclude -Isrc -Iproviders $(PKG_CFLAGS) \
		-fsanitize=fuzzer,address,undefined -o $@ $< $(LIB_SRCS) $(FUZZ_LIBS)

fuzz: $(FUZZ_BINS)
	@set -e; for f in $(FUZZ_BINS); do \
		name=$$(basename $$f); corpus=$(BUILD)/fuzz/corpus-$$name; \
		mkdir -p $$corpus; \
		echo "fuzzing $$name for $(FUZZ_SECONDS) s"; \
		$$f -max_total_time=$(FUZZ_SECONDS) -max_len=70000 $$corpus \
			$$(tests/fuzz/seeds $$name); \
	done

bench: $(BUILD)/landed
	@bench/run $(BUILD)/landed

deps:
	@scripts/deps install

install: $(BUILD)/landed
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(INCLUDEDIR)/landed
	install -m 755 $(BUILD)/landed $(DESTDIR)$(BINDIR)/landed
	install -m 644 include/landed/*.h $(DESTDIR)$(INCLUDEDIR)/landed/
	if ls man/*.1 >/dev/null 2>&1; then \
		install -d $(DESTDIR)$(MANDIR)/man1 && \
		install -m 644 man/*.1 $(DESTDIR)$(MANDIR)/man1/; fi
	if ls man/*.5 >/dev/null 2>&1; then \
		install -d $(DESTDIR)$(MANDIR)/man5 && \
		install -m 644 man/*.5 $(DESTDIR)$(MANDIR)/man5/; fi

clean:
	rm -rf $(BUILD)

.PHONY: all check demo lab fuzz bench deps install clean
.SECONDARY:

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
