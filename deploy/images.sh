#!/usr/bin/env bash
# Builds the service's image with podman where no image registry is reachable: first the base images, made from
# Debian's packages with debootstrap when they are missing, then the service's image from the Dockerfile on that
# base. Needs root, the Debian packages podman runc uidmap slirp4netns fuse-overlayfs debootstrap, and the jar
# (./mvnw -DskipTests package).
#
#   deploy/images.sh            # localhost/gearbox-jre-base:bookworm, localhost/gearbox-prometheus:bookworm,
#                               # localhost/gearbox-asr:dev
#   IMAGE=localhost/gearbox-asr:1 deploy/images.sh
#   deploy/images.sh --bases    # only the base images (before the jar exists, as .ci/run does)
#
# Prints how long each step took and the service image's size.
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/podman-env.sh

JRE_BASE=${JRE_BASE:-localhost/gearbox-jre-base:bookworm}
PROMETHEUS_IMAGE=${PROMETHEUS_IMAGE:-localhost/gearbox-prometheus:bookworm}
IMAGE=${IMAGE:-localhost/gearbox-asr:dev}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
SUITE=bookworm

# debootstrap a minimal Debian with the given packages and import it as an image (once; later runs reuse it).
base_image() {
  local name=$1 packages=$2 rootfs start
  if podman image exists "$name"; then
    echo "$name: present"
    return
  fi
  start=$(date +%s)
  rootfs=$(mktemp -d /var/tmp/gearbox-rootfs.XXXXXX)
  # shellcheck disable=SC2064
  trap "rm -rf '$rootfs'" RETURN
  debootstrap --variant=minbase --include="$packages" "$SUITE" "$rootfs" "$MIRROR" > "$rootfs.log" 2>&1 \
    || { tail -20 "$rootfs.log"; exit 1; }
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs.log"
  tar -C "$rootfs" -c . | podman import --change 'CMD ["/bin/bash"]' - "$name" > /dev/null
  echo "$name: made in $(( $(date +%s) - start )) s"
}

base_image "$JRE_BASE" openjdk-17-jre-headless
base_image "$PROMETHEUS_IMAGE" prometheus
if [ "${1:-}" = "--bases" ]; then
  exit 0
fi

jars=(target/gearbox-asr-*.jar)
if [ ! -f "${jars[0]}" ]; then
  echo "No jar in target/: run ./mvnw -DskipTests package first" >&2
  exit 1
fi
start=$(date +%s)
# docker format: podman leaves HEALTHCHECK out of images in the OCI format
podman build --format docker --build-arg BASE_IMAGE="$JRE_BASE" -t "$IMAGE" -f Dockerfile . > target/image-build.log 2>&1 \
  || { tail -30 target/image-build.log; exit 1; }
echo "$IMAGE: built in $(( $(date +%s) - start )) s on $JRE_BASE"
podman image inspect "$IMAGE" --format '{{.Size}}' | awk -v image="$IMAGE" '{ printf "%s: %.0f MB\n", image, $1 / 1e6 }'
