# Shared helpers for the infra scripts: timed steps, cache location, version pins.
# Sourced, not executed.

RELAY_CACHE_DIR="${RELAY_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/relay}"
INFRA_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# Versions of what the locally built images contain. The image names default to the
# official ones so a machine with Docker Hub access uses those instead.
KAFKA_VERSION="${KAFKA_VERSION:-4.4.0}"
APICURIO_VERSION="${APICURIO_VERSION:-3.0.9}"
JRE_IMAGE="${RELAY_JRE_IMAGE:-localhost/relay/jre:17}"
NODE_VERSION="${NODE_VERSION:-24.21.0}"
NPM_VERSION="${NPM_VERSION:-11.19.1}"
NODE_IMAGE="${NODE_IMAGE:-node:${NODE_VERSION}-bookworm-slim}"
KAFKA_IMAGE="${KAFKA_IMAGE:-apache/kafka:${KAFKA_VERSION}}"
SCHEMA_REGISTRY_IMAGE="${SCHEMA_REGISTRY_IMAGE:-apicurio/apicurio-registry:${APICURIO_VERSION}}"

log() { printf '[infra %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# step NAME COMMAND...: runs a step, printing what it does and how long it took.
step() {
  local name=$1 start end
  shift
  log "▶ $name"
  start=$(date +%s%N)
  local rc=0
  # In the background so that `set -e` stays in force inside the step (bash ignores it in
  # functions called from a condition such as `cmd || rc=$?`).
  "$@" &
  wait $! || rc=$?
  end=$(date +%s%N)
  local ms=$(( (end - start) / 1000000 ))
  if [ $rc -eq 0 ]; then
    log "✔ $name ($((ms / 1000)).$(printf '%03d' $((ms % 1000))) s)"
  else
    log "✘ $name failed with exit code $rc"
  fi
  return $rc
}

# The Debian mirror this machine already uses, so no host is named here.
debian_mirror() {
  local m=""
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    m=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources)
  fi
  if [ -z "$m" ] && [ -f /etc/apt/sources.list ]; then
    m=$(awk '$1=="deb"{print $2; exit}' /etc/apt/sources.list)
  fi
  [ -n "$m" ] || { log "cannot find the Debian mirror in the apt sources"; return 1; }
  printf '%s\n' "$m"
}

# Fully qualified name, as Podman stores it, so that `image exists` and testcontainers agree.
qualified() {
  case "$1" in
    localhost/*|*.*/*|*:*/*) printf '%s\n' "$1" ;;
    */*) printf 'docker.io/%s\n' "$1" ;;
    *) printf 'docker.io/library/%s\n' "$1" ;;
  esac
}
