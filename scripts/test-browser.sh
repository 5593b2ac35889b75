#!/usr/bin/env bash
# What the browser tests need: Debian's Chromium (driven by Playwright through its executable path; no browser is
# ever downloaded by a test tool) and axe-core from the npm registry (injected into pages for the accessibility
# check), kept in .tools/node_modules. Idempotent. Called by `make test` (the `services` target).
set -euo pipefail

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if [ ! -x /usr/bin/chromium ]; then
    echo "installing chromium (Debian package)"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium >/dev/null
fi

AXE_VERSION=4.10.3
if [ ! -f .tools/node_modules/axe-core/axe.min.js ]; then
    echo "installing axe-core ${AXE_VERSION} (npm registry)"
    mkdir -p .tools
    npm install --silent --no-audit --no-fund --prefix .tools "axe-core@${AXE_VERSION}" >/dev/null
fi
