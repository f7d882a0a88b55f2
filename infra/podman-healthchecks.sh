#!/usr/bin/env bash
# Runs the health checks of running Podman containers every few seconds: Podman schedules them
# with systemd timers, and without systemd they never run, leaving every container "starting".
# Each container's own interval is not honoured; retries and start period are, by Podman.
set -uo pipefail
period="${RELAY_HEALTHCHECK_PERIOD:-3}"
while true; do
  for id in $(podman ps -q --filter health=starting --filter health=healthy --filter health=unhealthy 2>/dev/null); do
    timeout 30 podman healthcheck run "$id" >/dev/null 2>&1 &
  done
  wait
  sleep "$period"
done
