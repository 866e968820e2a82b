# Thin wrapper over CMake; see README.md.
BUILD ?= build
ASAN_BUILD ?= build-asan
JOBS ?= $(shell nproc)
LISTEN ?= 127.0.0.1:8080

# Installation directories, as the GNU Coding Standards name them. PREFIX is accepted too.
PREFIX ?= /usr/local
prefix ?= $(PREFIX)
exec_prefix ?= $(prefix)
bindir ?= $(exec_prefix)/bin
INSTALL ?= install
INSTALL_PROGRAM ?= $(INSTALL)
DESTDIR ?=

.PHONY: all build run test test-unit test-asan test-image image deps format format-check bench \
	clean install uninstall

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

# Builds the container images with buildah (with Debian's AWS CLI, and without a CLI; no
# registry needed) and tests each image's own binary (and CLI) through the Lambda harness
# (docs/deploy.md).
test-image:
	scripts/install-deps --image
	scripts/test-image

# Builds the image for AWS and pushes it to ECR (docs/deploy.md). For example:
#   make image REGION=ap-northeast-1 REPOSITORY=awscli-mcp TAG=v0.1.0 ARCH=arm64
image:
	scripts/push-image $(if $(REGION),--region $(REGION)) $(if $(ACCOUNT),--account $(ACCOUNT)) \
	  $(if $(REPOSITORY),--repository $(REPOSITORY)) $(if $(TAG),--tag $(TAG)) $(if $(ARCH),--arch $(ARCH))

test-unit: build
	cd $(BUILD) && ctest --output-on-failure -L unit

format:
	scripts/check-format --fix

format-check:
	scripts/check-format

bench: build
	bench/run-all

# Installs the program and nothing else: $(DESTDIR)$(bindir)/awscli-mcp.
install: build
	$(INSTALL) -d "$(DESTDIR)$(bindir)"
	$(INSTALL_PROGRAM) -m 755 $(BUILD)/awscli-mcp "$(DESTDIR)$(bindir)/awscli-mcp"

uninstall:
	rm -f "$(DESTDIR)$(bindir)/awscli-mcp"

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
