#!/usr/bin/env bash
# Installs Go where there is none, for the benchmark's open-loop sender (bench/open-loop/main.go,
# standard library only, which Debian bookworm's Go 1.19 builds): without Go, `npm run bench` cannot
# run its constant-rate phases and the sender's own tests are skipped. Idempotent.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if command -v go >/dev/null; then log "Go is installed ($(go version))"; exit 0; fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  log "no Go, and no apt-get as root to install it: the benchmark's constant-rate phases and the sender's tests need Go"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends golang-go
log "Go installed ($(go version))"
