# awscli-mcp as an AWS Lambda container image (docs/deploy.md).
#
#   docker buildx build --platform linux/arm64 --provenance=false -t awscli-mcp .
#   buildah bud --platform linux/arm64 --format docker -t awscli-mcp .
#
# Build arguments:
#   AWSCLI_SOURCE   official (default): AWS's own AWS CLI v2 installer for the target
#                   architecture, pinned by AWSCLI_VERSION and verified with the AWS CLI team's
#                   PGP key (docker/aws-cli-team.asc, fingerprint AWSCLI_PGP_FINGERPRINT) and,
#                   when AWSCLI_SHA256 is set, that SHA-256 too.
#                   debian: Debian's `awscli` package (AWS CLI 2.9.19), for builds without
#                   internet access beyond Debian's mirrors.
#   AWSCLI_VERSION  the official installer's version.
#   TARGETARCH      amd64 or arm64; set by BuildKit and buildah from --platform.
#
# The image's entrypoint is the server with no mode argument: Lambda sets
# AWS_LAMBDA_RUNTIME_API, which selects the `lambda` mode (docs/lambda.md).

ARG AWSCLI_SOURCE=official
ARG DEBIAN_IMAGE=docker.io/library/debian:bookworm-slim

# ---- Build: the server, release flags, no tests ----
FROM ${DEBIAN_IMAGE} AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      gcc libc6-dev make cmake pkg-config \
      libjansson-dev libmicrohttpd-dev libssl-dev libexpat1-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Only the sources: tests/ is not in the build context (.dockerignore), so CMake defines no
# test targets, and only the binary is built.
COPY CMakeLists.txt ./
COPY src ./src
RUN cmake -S . -B /build -DCMAKE_BUILD_TYPE=Release \
 && cmake --build /build --target awscli-mcp -j "$(nproc)" \
 && strip /build/awscli-mcp \
 && /build/awscli-mcp --version

# ---- AWS CLI v2, official: download, verify, install under /usr/local/aws-cli ----
FROM ${DEBIAN_IMAGE} AS awscli-download
ARG TARGETARCH
ARG AWSCLI_VERSION=2.36.32
ARG AWSCLI_SHA256=
ARG AWSCLI_PGP_FINGERPRINT=FB5DB77FD5C118B80511ADA8A6310ACC4672475C
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      ca-certificates curl gnupg unzip \
 && rm -rf /var/lib/apt/lists/*
COPY docker/aws-cli-team.asc docker/verify-signature /tmp/awscli/
WORKDIR /tmp/awscli
# The steps of AWS's "Installing or updating the latest version of the AWS CLI" (Linux), with
# the version pinned in the file name and the signature check made mandatory.
RUN set -eu; \
    case "${TARGETARCH:-amd64}" in \
      amd64) arch=x86_64 ;; \
      arm64) arch=aarch64 ;; \
      *) echo "unsupported TARGETARCH '${TARGETARCH}' (amd64 or arm64)" >&2; exit 1 ;; \
    esac; \
    url="https://awscli.amazonaws.com/awscli-exe-linux-${arch}-${AWSCLI_VERSION}.zip"; \
    curl -fsSL --retry 3 -o awscliv2.zip "$url"; \
    curl -fsSL --retry 3 -o awscliv2.sig "$url.sig"; \
    ./verify-signature awscliv2.zip awscliv2.sig aws-cli-team.asc "$AWSCLI_PGP_FINGERPRINT"; \
    if [ -n "$AWSCLI_SHA256" ]; then echo "$AWSCLI_SHA256  awscliv2.zip" | sha256sum -c -; fi; \
    unzip -q awscliv2.zip; \
    ./aws/install --install-dir /usr/local/aws-cli --bin-dir /usr/local/bin; \
    /usr/local/bin/aws --version 2>&1 | grep -q "^aws-cli/${AWSCLI_VERSION} "; \
    rm -rf /tmp/awscli

FROM ${DEBIAN_IMAGE} AS awscli-official
COPY --from=awscli-download /usr/local/aws-cli /usr/local/aws-cli
RUN ln -s /usr/local/aws-cli/v2/current/bin/aws /usr/local/bin/aws

# ---- AWS CLI v2, Debian's package (offline builds) ----
FROM ${DEBIAN_IMAGE} AS awscli-debian
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends awscli \
 && rm -rf /var/lib/apt/lists/* /usr/share/doc/* /usr/share/man/*

# ---- Runtime ----
FROM awscli-${AWSCLI_SOURCE} AS runtime
# libssl3 (TLS of the HTTPS client, libcrypto for SigV4) and libmicrohttpd12 (`serve`) are
# loaded at run time by the modes that use them; libjansson4 and libexpat1 (the native
# engine's XML replies) are linked. The Lambda Runtime API is plain HTTP on 127.0.0.1, spoken
# by the program's own client (src/aws/http.h).
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      ca-certificates libjansson4 libexpat1 libssl3 libmicrohttpd12 \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/* /var/log/apt /var/log/dpkg.log \
 && aws --version 2>&1 | grep -q '^aws-cli/2\.'
COPY --from=build /build/awscli-mcp /usr/local/bin/awscli-mcp
# Lambda's file system is read-only except /tmp: the AWS CLI writes its caches under $HOME.
ENV HOME=/tmp
USER nobody
ENTRYPOINT ["/usr/local/bin/awscli-mcp"]
