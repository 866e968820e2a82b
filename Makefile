# Thin wrapper over CMake; see README.md.
BUILD ?= build
ASAN_BUILD ?= build-asan
JOBS ?= $(shell nproc)
LISTEN ?= 127.0.0.1:8080

.PHONY: all build run test test-unit test-asan deps format format-check bench clean

all: build

$(BUILD)/Makefile: CMakeLists.txt
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: $(BUILD)/Makefile
	cmake --build $(BUILD) -j $(JOBS)

deps:
	scripts/install-deps

# Starts the local Streamable HTTP server and prints the client configuration to paste.
run:
	scripts/install-deps --run
	$(MAKE) build
	scripts/run-local $(BUILD)/awscli-mcp $(LISTEN)

# Installs what is missing, then runs every test: the normal build, then the same suite
# under AddressSanitizer + UndefinedBehaviorSanitizer.
test: deps
	scripts/run-tests $(BUILD) $(ASAN_BUILD)

test-unit: build
	cd $(BUILD) && ctest --output-on-failure -L unit

format:
	scripts/check-format --fix

format-check:
	scripts/check-format

bench: build
	bench/run-all

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
