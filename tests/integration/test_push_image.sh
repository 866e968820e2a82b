#!/usr/bin/env bash
# scripts/push-image with recording stand-ins for aws, docker and buildah first on PATH (no AWS
# account or registry is reachable here): the ECR repository is created only when missing,
# the image is built for the requested architecture as a single-architecture image (buildx
# with --provenance=false), the login password goes through stdin, both tags are pushed, and
# bad arguments stop it with a message before anything runs. Ends with "N passed, N failed".
set -uo pipefail
cd "${SOURCE_DIR:-$(dirname "$0")/../..}" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
check() { # name command...
  local name=$1
  shift
  if "$@"; then
    echo "ok   $name"
    passed=$((passed + 1))
  else
    echo "FAIL $name"
    sed 's/^/    /' "$tmp/calls" 2>/dev/null | head -20
    failed=$((failed + 1))
  fi
}
has() { grep -qF -- "$1" "$tmp/calls"; }
hasnt() { ! grep -qF -- "$1" "$tmp/calls"; }

mkdir -p "$tmp/bin"
cat >"$tmp/bin/aws" <<'FAKE'
#!/usr/bin/env bash
echo "aws $*" >>"$CALLS"
case "$1 $2" in
"sts get-caller-identity") echo 123456789012 ;;
"configure get") exit 1 ;;
"ecr describe-repositories") [ "${FAKE_REPO_EXISTS:-0}" = 1 ] || { echo "RepositoryNotFoundException" >&2; exit 254; } ;;
"ecr create-repository") echo '{}' ;;
"ecr get-login-password") echo "fake-ecr-password" ;;
"ecr describe-images") echo "sha256:0123abcd" ;;
*) echo "unexpected aws call: $*" >&2; exit 2 ;;
esac
FAKE
for tool in docker buildah; do
  cat >"$tmp/bin/$tool" <<FAKE
#!/usr/bin/env bash
if [ "\$1" = login ]; then echo "$tool \$* stdin=\$(cat)" >>"\$CALLS"; exit 0; fi
echo "$tool \$*" >>"\$CALLS"
FAKE
done
chmod +x "$tmp/bin/"*
export CALLS=$tmp/calls
run() { # env-assignments... -- args...
  : >"$tmp/calls"
  env PATH="$tmp/bin:$PATH" AWS_REGION= AWS_DEFAULT_REGION= "$@" >"$tmp/out" 2>&1
}

# 1. docker, repository missing, defaults: arm64, account from STS.
run scripts/push-image --region ap-northeast-1 --tag v1.2.3
status=$?
check "docker: exits 0" test $status -eq 0
check "account from sts get-caller-identity" has "aws sts get-caller-identity --query Account --output text --region ap-northeast-1"
check "missing repository is created, with scan on push" has "aws ecr create-repository --region ap-northeast-1 --repository-name awscli-mcp --image-scanning-configuration scanOnPush=true"
check "buildx builds linux/arm64 with Debian's AWS CLI (the default), single-architecture (no provenance), both tags" \
  has "docker buildx build --platform linux/arm64 --build-arg TARGETARCH=arm64 --build-arg AWSCLI_SOURCE=debian -t 123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/awscli-mcp:v1.2.3 -t 123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/awscli-mcp:latest --provenance=false --load ."
check "login with the ECR password on stdin" has "docker login --username AWS --password-stdin 123456789012.dkr.ecr.ap-northeast-1.amazonaws.com stdin=fake-ecr-password"
check "pushes the tag" has "docker push 123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/awscli-mcp:v1.2.3"
check "pushes latest" has "docker push 123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/awscli-mcp:latest"
check "says what to deploy" grep -q 'terraform apply -var image_tag=v1.2.3 .*architectures = \["arm64"\]' "$tmp/out"

# 2. buildah, repository present, x86_64, explicit account and repository.
run FAKE_REPO_EXISTS=1 BUILDER=buildah scripts/push-image --region us-west-2 --account 210987654321 \
  --repository team/mcp --tag t1 --arch x86_64 --awscli-source official
status=$?
check "buildah: exits 0" test $status -eq 0
check "existing repository is not created again" hasnt "create-repository"
check "no STS call with --account" hasnt "sts get-caller-identity"
check "buildah builds linux/amd64 with AWS's installer" \
  has "buildah bud --platform linux/amd64 --build-arg TARGETARCH=amd64 --build-arg AWSCLI_SOURCE=official -t 210987654321.dkr.ecr.us-west-2.amazonaws.com/team/mcp:t1"
check "buildah pushes to the registry" has "buildah push 210987654321.dkr.ecr.us-west-2.amazonaws.com/team/mcp:t1 docker://210987654321.dkr.ecr.us-west-2.amazonaws.com/team/mcp:t1"
check "x86_64 is named as Lambda names it" grep -q 'architectures = \["x86_64"\]' "$tmp/out"

# 2b. The image without the AWS CLI (the native engine only).
run FAKE_REPO_EXISTS=1 BUILDER=buildah scripts/push-image --region us-west-2 --account 210987654321 \
  --tag t2 --awscli-source none
status=$?
check "none: exits 0" test $status -eq 0
check "buildah builds the image without the AWS CLI" \
  has "buildah bud --platform linux/arm64 --build-arg TARGETARCH=arm64 --build-arg AWSCLI_SOURCE=none -t 210987654321.dkr.ecr.us-west-2.amazonaws.com/awscli-mcp:t2"

# 3. Bad input stops before any build or AWS call that changes something.
for bad in "--arch sparc" "--repository Bad_Name" "--tag bad:tag" "--account 12" "--bogus" \
  "--awscli-source pip"; do
  # shellcheck disable=SC2086 # the words of $bad are separate arguments.
  run scripts/push-image --region ap-northeast-1 $bad
  status=$?
  check "refused: $bad" test $status -ne 0 -a -s "$tmp/out"
  check "nothing built or pushed for: $bad" hasnt "create-repository"
done
run scripts/push-image --account 123456789012
status=$?
check "no region anywhere: refused with a hint" grep -q -- "--region ap-northeast-1" "$tmp/out"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
