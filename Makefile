# The two commands a new user needs: `make demo` and `make test`.
# Both install missing Debian packages first (scripts/deps.sh), then build.
BUILD ?= build
JOBS ?= $(shell nproc)

.PHONY: all deps configure build demo test bench clean

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

bench: build
	@bench/run.sh $(BUILD)/kunren
	@bench/store.sh $(BUILD)/kunren
	@bench/web.sh $(BUILD)/kunren
	@bench/drill.sh $(BUILD)/kunren

clean:
	rm -rf $(BUILD)
