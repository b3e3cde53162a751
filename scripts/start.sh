#!/usr/bin/env bash
# README command 1: install everything a fresh machine (Node + npm only) lacks, then start the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
exec pnpm demo
