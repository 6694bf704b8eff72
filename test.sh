#!/usr/bin/env bash
# The whole test suite: the web workspace's install and the interop page build the browser tests need, every .NET
# test project (unit, interop and browser E2E), then the web workspace's type checks, lint, circular-import check
# and Vitest tests. Extra arguments go to `dotnet test`.
set -euo pipefail
cd "$(dirname "$0")"

cd web
# npm ci only when node_modules is missing or older than the lockfile.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
# The @moq/net interop page the browser E2E tests serve (tests/MoqLive.E2E.Tests/Browser/MoqNetInteropTests.cs).
npm run build -w @moqlive/interop-moq-net
# The browser E2E tests (tests/MoqLive.E2E.Tests/Browser) load page bundles from web/packages/e2e-pages/dist.
npm run build -w @moqlive/e2e-pages
cd ..

dotnet test MoqLive.slnx "$@"

cd web
npm run check
npm test
