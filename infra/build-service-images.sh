#!/usr/bin/env bash
# Builds the services' images from their Dockerfiles and prints their sizes. With Podman (these
# machines), the Node base image is built locally first (it cannot be pulled); with Docker, the
# official one is pulled. CONTAINER_CLI chooses (default: podman if installed). TAG (default dev)
# names the version. Behind a TLS-inspecting proxy, its CA bundle (SSL_CERT_FILE or the system
# one) reaches npm as a build secret, never as a layer.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ROOT="$(cd "$INFRA_DIR/.." && pwd)"
TAG="${TAG:-dev}"
CA="${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}"
CLI="${CONTAINER_CLI:-$(command -v podman >/dev/null && echo podman || echo docker)}"

options=()
if [ "$CLI" = podman ]; then
  bash "$INFRA_DIR/build-images.sh"
  # Podman's default OCI format has no HEALTHCHECK.
  options+=(--format docker)
fi
[ -s "$CA" ] && options+=(--secret "id=ca,src=$CA")
for service in gateway prize-fulfilment quiz-scoring; do
  step "image localhost/relay/$service:$TAG" "$CLI" build -q "${options[@]}" \
    --build-arg NODE_IMAGE="$NODE_IMAGE" \
    -f "$ROOT/services/$service/Dockerfile" -t "localhost/relay/$service:$TAG" "$ROOT" >/dev/null
done
"$CLI" images --format '{{.Repository}}:{{.Tag}}\t{{.Size}}' --filter "reference=localhost/relay/*:$TAG"
