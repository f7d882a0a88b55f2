#!/usr/bin/env bash
# Makes `docker-compose` work against Podman's Docker API on these machines: installs Compose
# where neither `docker compose` nor `docker-compose` exists, and, where no systemd runs
# Podman's health-check timers, starts a ticker that runs them, so that `depends_on:
# condition: service_healthy` can be met. Idempotent.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

install_compose() {
  if command -v docker-compose >/dev/null || docker compose version >/dev/null 2>&1; then
    log "Compose is installed"; return 0
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends docker-compose
}

ticker_running() {
  [ -f "$RELAY_CACHE_DIR/podman-healthchecks.pid" ] && kill -0 "$(cat "$RELAY_CACHE_DIR/podman-healthchecks.pid")" 2>/dev/null
}

start_ticker() {
  if [ -d /run/systemd/system ]; then log "systemd runs Podman's health checks"; return 0; fi
  if ticker_running; then log "the health-check ticker already runs"; return 0; fi
  mkdir -p "$RELAY_CACHE_DIR"
  setsid bash "$INFRA_DIR/podman-healthchecks.sh" >"$RELAY_CACHE_DIR/podman-healthchecks.log" 2>&1 < /dev/null &
  echo $! > "$RELAY_CACHE_DIR/podman-healthchecks.pid"
  log "health-check ticker started (pid $(cat "$RELAY_CACHE_DIR/podman-healthchecks.pid"))"
}

step "install Compose" install_compose
if command -v podman >/dev/null && ! { [ -S /var/run/docker.sock ] && curl -fsS --max-time 3 --unix-socket /var/run/docker.sock http://d/_ping >/dev/null 2>&1; }; then
  step "start Podman's health-check ticker" start_ticker
fi
