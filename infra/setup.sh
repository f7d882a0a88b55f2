#!/usr/bin/env bash
# Makes this machine able to run the tests and `npm start`: Go for the benchmark's sender, a
# container engine, and the Kafka and schema registry images. Where a Docker engine answers,
# testcontainers pulls the official images itself and no engine or image is set up here.
# Idempotent and cached; safe to run again.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

started=$(date +%s)
bash "$INFRA_DIR/go.sh"
if [ -S /var/run/docker.sock ] && curl -fsS --max-time 3 --unix-socket /var/run/docker.sock http://d/_ping >/dev/null 2>&1; then
  log "a Docker engine answers: testcontainers will pull $KAFKA_IMAGE and $SCHEMA_REGISTRY_IMAGE itself"
  exit 0
fi
[ "$(id -u)" = 0 ] || { log "installing Podman and building images needs root (apt-get, podman)"; exit 1; }
bash "$INFRA_DIR/podman.sh"
bash "$INFRA_DIR/compose.sh"
bash "$INFRA_DIR/build-images.sh"
log "infrastructure ready in $(( $(date +%s) - started )) s (cache: $RELAY_CACHE_DIR)"
