#!/usr/bin/env bash
# Installs Podman (where no Docker engine answers) and serves its Docker-compatible API on a
# Unix socket, the way testcontainers expects. Idempotent: does nothing that is already done.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PODMAN_SOCKET="${PODMAN_SOCKET:-/run/podman/podman.sock}"

engine_answers() {
  curl -fsS --max-time 3 --unix-socket "$1" http://d/_ping >/dev/null 2>&1
}

# Container names resolve on a Podman network (CNI) only through the dnsname plugin, which Debian's
# podman merely recommends: without it a compose project or a multi-broker cluster cannot find its peers.
CNI_DNSNAME=/usr/lib/cni/dnsname

install_packages() {
  local missing=()
  for cmd in podman runc debootstrap curl; do command -v "$cmd" >/dev/null || missing+=("$cmd"); done
  [ -x "$CNI_DNSNAME" ] || missing+=("$CNI_DNSNAME")
  if [ ${#missing[@]} -eq 0 ]; then log "podman, runc, debootstrap, curl and the CNI dnsname plugin are installed"; return 0; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends podman runc debootstrap curl ca-certificates \
    uidmap slirp4netns fuse-overlayfs containernetworking-plugins iptables \
    golang-github-containernetworking-plugin-dnsname
}

# crun fails on these machines (cgroup hybrid mode, no CAP_SYS_RESOURCE); runc works.
configure_engine() {
  local conf=/etc/containers/containers.conf
  if [ -f "$conf" ] && grep -q 'runtime = "runc"' "$conf" && grep -q 'nofile=4096' "$conf"; then log "$conf already selects runc"; return 0; fi
  mkdir -p /etc/containers
  cat > "$conf" <<'CONF'
[containers]
default_ulimits = ["nofile=4096:4096", "nproc=4096:4096"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
CONF
}

# packages/testkit's ensureContainerEngine starts it the same way when it is not running (after a reboot:
# without systemd nothing starts it on demand); keep the two alike.
start_service() {
  if engine_answers "$PODMAN_SOCKET"; then log "the Podman API already answers on $PODMAN_SOCKET"; return 0; fi
  mkdir -p "$(dirname "$PODMAN_SOCKET")" "$RELAY_CACHE_DIR"
  # Detached and with its own log, so it never holds the caller's stdout open.
  setsid podman system service --time=0 "unix://$PODMAN_SOCKET" >"$RELAY_CACHE_DIR/podman-service.log" 2>&1 < /dev/null &
  echo $! > "$RELAY_CACHE_DIR/podman-service.pid"
  for _ in $(seq 1 100); do
    engine_answers "$PODMAN_SOCKET" && return 0
    sleep 0.1
  done
  log "the Podman API did not answer within 10 s; see $RELAY_CACHE_DIR/podman-service.log"
  return 1
}

if [ -S /var/run/docker.sock ] && engine_answers /var/run/docker.sock; then
  log "a Docker engine answers on /var/run/docker.sock; Podman is not needed"
  exit 0
fi
step "install Podman" install_packages
step "configure Podman" configure_engine
step "start the Podman API service" start_service
