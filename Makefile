# kindred: one non-recursive Makefile for every engine, program, test and tool.
#
#   make                 release build into build/release/ (libkindred.a, cagc, cmork, cmetta)
#   make test            deps, then the whole suite in release, ASan+UBSan and TSan builds
#   make demo            deps, build, run the main job on the bundled example data
#   make bench           benchmark programs (build/release/<engine>-<name>)
#   make fuzz            libFuzzer targets with clang (build/fuzz/fuzz/<target>)
#   make tsan            threaded tests under ThreadSanitizer
#   make check           run the suite for one VARIANT (release, debug, asan, tsan)
#
# Sources are found by wildcard, so a new module is a new file and nothing else:
#   src/<engine>/*.c             -> build/<v>/lib<engine>.a   (and libkindred.a)
#   src/cli/<prog>.c, <prog>_*.c -> build/<v>/<prog>
#   tests/{unit,model}/<engine>/*.c -> one cmocka executable each
#   fuzz/<engine>_<name>.c       -> a libFuzzer target and a corpus replayer
#   bench/<engine>/<name>.c      -> build/<v>/<engine>-<name>

VARIANT ?= release
BUILDDIR ?= build/$(VARIANT)
WERROR ?= 0

ENGINES := rt agc pathmap mork metta
# Engines depend downward only; link order is the engine, then what it uses.
DEPS_rt :=
DEPS_agc := rt
DEPS_pathmap := rt
DEPS_mork := pathmap rt
DEPS_metta := mork pathmap rt

PROGS := cagc cmork cmetta
ENGINE_cagc := agc
ENGINE_cmork := mork
ENGINE_cmetta := metta

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
        -Wformat=2 -Wvla -Wwrite-strings
ifeq ($(WERROR),1)
WARN += -Werror
endif

OPT_release := -O2 -g -DNDEBUG
OPT_debug := -O0 -g3 -DRT_ARENA_DEBUG
OPT_asan := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
            -fno-omit-frame-pointer -DRT_ARENA_DEBUG
OPT_tsan := -O1 -g -fsanitize=thread -DRT_ARENA_DEBUG
OPT_fuzz := -O1 -g -fsanitize=fuzzer-no-link,address,undefined \
            -fno-sanitize-recover=all -fno-omit-frame-pointer -DRT_ARENA_DEBUG \
            -DKINDRED_FUZZING
OPT := $(OPT_$(VARIANT))
LDOPT_asan := -fsanitize=address,undefined
LDOPT_tsan := -fsanitize=thread
LDOPT_fuzz := -fsanitize=address,undefined
LDOPT := $(LDOPT_$(VARIANT))

CPPFLAGS += -Iinclude -Isrc -D_GNU_SOURCE
CFLAGS += -std=c11 $(WARN) $(OPT) -pthread -MMD -MP
LDFLAGS += $(LDOPT) -pthread
EXTLIBS := -lzstd -ldeflate -lz -lxxhash -lm
EXTLIBS_cmetta := -ledit
TESTLIBS := -lcmocka

# ---------------------------------------------------------------- libraries
src_of = $(wildcard src/$(1)/*.c)
obj_of = $(patsubst %.c,$(BUILDDIR)/obj/%.o,$(call src_of,$(1)))
lib_of = $(BUILDDIR)/lib$(1).a
libs_for = $(foreach e,$(1) $(DEPS_$(1)),$(call lib_of,$(e)))

ALL_LIB_OBJS := $(foreach e,$(ENGINES),$(call obj_of,$(e)))
ENGINE_LIBS := $(foreach e,$(ENGINES),$(call lib_of,$(e)))

define engine_lib
$(call lib_of,$(1)): $(call obj_of,$(1))
	@mkdir -p $$(@D)
	@rm -f $$@
	$$(AR) rcs $$@ $$^ $$(if $$^,,$(BUILDDIR)/obj/empty.o)
endef
$(foreach e,$(ENGINES),$(eval $(call engine_lib,$(e))))

# An engine with no source yet still gets a (nearly) empty archive.
$(BUILDDIR)/obj/empty.o:
	@mkdir -p $(@D)
	echo 'typedef int kindred_empty_unit;' | $(CC) $(CFLAGS) -x c -c -o $@ -
$(foreach e,$(ENGINES),$(if $(call src_of,$(e)),,$(eval $(call lib_of,$(e)): $(BUILDDIR)/obj/empty.o)))

$(BUILDDIR)/libkindred.a: $(ALL_LIB_OBJS) $(ENGINE_LIBS)
	@mkdir -p $(@D)
	@rm -f $@
	$(AR) rcs $@ $(ALL_LIB_OBJS)

$(BUILDDIR)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# ---------------------------------------------------------------- programs
prog_src = $(wildcard src/cli/$(1).c src/cli/$(1)_*.c)
prog_obj = $(patsubst %.c,$(BUILDDIR)/obj/%.o,$(call prog_src,$(1)))
PROG_BINS := $(addprefix $(BUILDDIR)/,$(PROGS))

define program
$(BUILDDIR)/$(1): $(call prog_obj,$(1)) $(call libs_for,$(ENGINE_$(1)))
	@mkdir -p $$(@D)
	$$(CC) $$(LDFLAGS) -o $$@ $(call prog_obj,$(1)) $(call libs_for,$(ENGINE_$(1))) $$(EXTLIBS_$(1)) $$(EXTLIBS)
endef
$(foreach p,$(PROGS),$(eval $(call program,$(p))))

# ---------------------------------------------------------------- tests
TEST_SRCS := $(foreach e,$(ENGINES),$(wildcard tests/unit/$(e)/*.c tests/model/$(e)/*.c))
TEST_BINS := $(patsubst %.c,$(BUILDDIR)/%,$(TEST_SRCS))
engine_of_test = $(word 3,$(subst /, ,$(1)))

define test_bin
$(patsubst %.c,$(BUILDDIR)/%,$(1)): $(patsubst %.c,$(BUILDDIR)/obj/%.o,$(1)) $(call libs_for,$(call engine_of_test,$(1)))
	@mkdir -p $$(@D)
	$$(CC) $$(LDFLAGS) -o $$@ $$< $(call libs_for,$(call engine_of_test,$(1))) $$(TESTLIBS) $$(EXTLIBS_cmetta) $$(EXTLIBS)
endef
$(foreach t,$(TEST_SRCS),$(eval $(call test_bin,$(t))))

# ---------------------------------------------------------------- fuzz
# fuzz/<engine>_<name>.c defines LLVMFuzzerTestOneInput. Under clang it links
# with libFuzzer; under any compiler it links with fuzz/replay.c, a main that
# feeds every file of a corpus to the target (run by make test).
FUZZ_SRCS := $(filter-out fuzz/replay.c,$(wildcard fuzz/*.c))
FUZZ_NAMES := $(patsubst fuzz/%.c,%,$(FUZZ_SRCS))
engine_of_fuzz = $(firstword $(subst _, ,$(1)))
REPLAY_BINS := $(addprefix $(BUILDDIR)/fuzz-replay/,$(FUZZ_NAMES))
FUZZ_BINS := $(addprefix $(BUILDDIR)/fuzz/,$(FUZZ_NAMES))

define fuzz_bin
$(BUILDDIR)/fuzz-replay/$(1): $(BUILDDIR)/obj/fuzz/$(1).o $(BUILDDIR)/obj/fuzz/replay.o $(call libs_for,$(call engine_of_fuzz,$(1)))
	@mkdir -p $$(@D)
	$$(CC) $$(LDFLAGS) -o $$@ $$(filter %.o,$$^) $(call libs_for,$(call engine_of_fuzz,$(1))) $$(EXTLIBS)
$(BUILDDIR)/fuzz/$(1): $(BUILDDIR)/obj/fuzz/$(1).o $(call libs_for,$(call engine_of_fuzz,$(1)))
	@mkdir -p $$(@D)
	$$(CC) $$(LDFLAGS) -fsanitize=fuzzer -o $$@ $$< $(call libs_for,$(call engine_of_fuzz,$(1))) $$(EXTLIBS)
endef
$(foreach f,$(FUZZ_NAMES),$(eval $(call fuzz_bin,$(f))))

# ---------------------------------------------------------------- bench
BENCH_SRCS := $(foreach e,$(ENGINES),$(wildcard bench/$(e)/*.c))
bench_bin = $(BUILDDIR)/$(word 2,$(subst /, ,$(1)))-$(basename $(notdir $(1)))
BENCH_BINS := $(foreach b,$(BENCH_SRCS),$(call bench_bin,$(b)))

define bench_rule
$(call bench_bin,$(1)): $(patsubst %.c,$(BUILDDIR)/obj/%.o,$(1)) $(call libs_for,$(word 2,$(subst /, ,$(1))))
	@mkdir -p $$(@D)
	$$(CC) $$(LDFLAGS) -o $$@ $$< $(call libs_for,$(word 2,$(subst /, ,$(1)))) $$(EXTLIBS)
endef
$(foreach b,$(BENCH_SRCS),$(eval $(call bench_rule,$(b))))

# ---------------------------------------------------------------- targets
.PHONY: all build-tests check test demo bench fuzz fuzz-bins tsan deps clean
.DEFAULT_GOAL := all

all: $(BUILDDIR)/libkindred.a $(PROG_BINS)

build-tests: all $(TEST_BINS) $(REPLAY_BINS)

check: build-tests
	@scripts/run-tests.sh $(BUILDDIR) $(VARIANT)

deps:
	@scripts/deps.sh

test:
	@scripts/test.sh

demo: deps
	@$(MAKE) --no-print-directory all
	@scripts/demo.sh $(BUILDDIR)

bench: all $(BENCH_BINS)

fuzz:
	@$(MAKE) --no-print-directory VARIANT=fuzz CC=clang fuzz-bins

fuzz-bins: $(FUZZ_BINS)

tsan:
	@$(MAKE) --no-print-directory VARIANT=tsan build-tests
	@scripts/run-tests.sh build/tsan tsan

clean:
	rm -rf build

-include $(shell find $(BUILDDIR)/obj -name '*.d' 2>/dev/null)
