#!/usr/bin/env bash
# Installs pnpm, a Chromium for the e2e suite, and the workspace's dependencies. Idempotent.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PNPM_VERSION=12.21.0
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version)" != "$PNPM_VERSION" ]; then
  echo "setup: installing pnpm $PNPM_VERSION"
  npm install --global "pnpm@$PNPM_VERSION" --loglevel=error
fi

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing Debian's chromium"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    NEED_PLAYWRIGHT_BROWSER=1
  fi
fi

echo "setup: installing dependencies"
pnpm install

if [ "${NEED_PLAYWRIGHT_BROWSER:-0}" = 1 ]; then
  echo "setup: installing Playwright's chromium"
  pnpm exec playwright install chromium
fi
