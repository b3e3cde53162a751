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

# redis-server: the server package's Redis token store is tested against a real Redis.
if ! command -v redis-server >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing Debian's redis-server"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  else
    echo "setup: redis-server is missing and cannot be installed here (needs root and apt-get)."
    echo "setup: install it yourself (e.g. sudo apt-get install redis-server, or brew install redis);"
    echo "setup: without it the Redis token store tests of packages/server fail."
  fi
fi

echo "setup: installing dependencies"
pnpm install

if [ "${NEED_PLAYWRIGHT_BROWSER:-0}" = 1 ]; then
  echo "setup: installing Playwright's chromium"
  pnpm exec playwright install chromium
fi
