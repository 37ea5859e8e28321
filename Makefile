# The two commands a new user needs: `make demo` and `make test`.
# Both install missing Debian packages first (scripts/deps.sh), then build.
BUILD ?= build
JOBS ?= $(shell nproc)

BUILD_SANITIZE ?= build-sanitize
BUILD_FUZZ ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=

.PHONY: all deps configure build demo test test-sanitize fuzz fuzz-merge bench clean

all: build

deps:
	@scripts/deps.sh

configure: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

# Generates a realistic sample campaign (40 organisations, six industries) and
# writes the cross-sectional HTML report.
demo: build
	@scripts/demo.sh $(BUILD)/kunren

test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The whole suite again, built with AddressSanitizer + UndefinedBehaviorSanitizer
# in $(BUILD_SANITIZE)/ (CI runs it after `make test`). Any finding fails its test.
test-sanitize: deps
	@cmake -S . -B $(BUILD_SANITIZE) -DKUNREN_SANITIZE=ON >/dev/null
	@cmake --build $(BUILD_SANITIZE) -j $(JOBS)
	@cd $(BUILD_SANITIZE) && \
	  ASAN_OPTIONS=detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1:exitcode=86 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=86 \
	  ctest --output-on-failure -j $(JOBS)

# libFuzzer on every parser (tests/fuzz/), built with clang + ASan + UBSan in
# $(BUILD_FUZZ)/: each target runs FUZZ_SECONDS, one after the other
# (FUZZ_TARGETS="checklist http_request" for some). New inputs stay in
# $(BUILD_FUZZ)/fuzz/corpus/; `make fuzz-merge` folds those that add coverage
# into tests/fuzz/corpus/. Any crash, leak, UB or timeout fails, naming its reproducer.
fuzz:
	@scripts/deps.sh fuzz
	@cmake -S . -B $(BUILD_FUZZ) -DKUNREN_FUZZ=ON -DKUNREN_BUILD_TESTS=OFF \
	  -DCMAKE_CXX_COMPILER=clang++ >/dev/null
	@cmake --build $(BUILD_FUZZ) -j $(JOBS) --target fuzzers
	@scripts/fuzz.sh run $(BUILD_FUZZ) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-merge:
	@scripts/fuzz.sh merge $(BUILD_FUZZ) $(FUZZ_TARGETS)

bench: build
	@bench/run.sh $(BUILD)/kunren
	@bench/store.sh $(BUILD)/kunren
	@bench/web.sh $(BUILD)/kunren
	@bench/drill.sh $(BUILD)/kunren
	@bench/footprint.sh $(BUILD)/kunren

clean:
	rm -rf $(BUILD) $(BUILD_SANITIZE) $(BUILD_FUZZ)
