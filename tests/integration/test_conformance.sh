#!/usr/bin/env bash
# ctest-timeout: 180
# ctest-cases: 0.1-2025-06-18 0.1-2025-11-25 0.2-2026-07-28
# The official MCP conformance suite (@modelcontextprotocol/conformance 0.1.16 for 2025-06-18
# and 2025-11-25, 0.2.0-alpha.12 for 2026-07-28) against the conformance build over HTTP, held
# to tests/conformance/baseline-*.txt. See tests/lib/clients_conformance.mjs.
set -euo pipefail
src=${SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
node=${NODE_DIR:-$src/tests/node}/node_modules/.bin/node
exec "$node" "$src/tests/lib/clients_conformance.mjs" "$@"
