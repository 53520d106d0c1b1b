#!/usr/bin/env bash
# Brings up docker-compose.yml's service and Prometheus (not Grafana: Debian has no Grafana package and no registry
# is reachable here) with docker-compose against a Docker API (Docker's, or podman's socket in DOCKER_HOST), on
# images built locally by deploy/images.sh, and checks that Prometheus scrapes the service's asr_* series, through
# Prometheus' HTTP API. Takes everything down again at the end.
#
#   deploy/images.sh && DOCKER_HOST=unix://$PWD/target/podman.sock deploy/compose-check.sh
#
# Prints the series Prometheus holds for the service and how long the first scrape took.
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/podman-env.sh

export GEARBOX_ASR_IMAGE=${GEARBOX_ASR_IMAGE:-localhost/gearbox-asr:dev}
export PROMETHEUS_IMAGE=${PROMETHEUS_IMAGE:-localhost/gearbox-prometheus:bookworm}
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
export ASR_PORT=${ASR_PORT:-$(free_port)}
export PROMETHEUS_PORT=${PROMETHEUS_PORT:-$(free_port)}
project=gearbox-compose-check
compose() { docker-compose -p "$project" -f docker-compose.yml "$@"; }

if [ -z "${DOCKER_HOST:-}" ] && [ ! -S /var/run/docker.sock ]; then
  echo "No Docker API: set DOCKER_HOST (e.g. unix://\$PWD/target/podman.sock from podman system service)" >&2
  exit 1
fi
trap 'compose logs --no-color > target/compose-check.log 2>&1 || true; compose down -v > /dev/null 2>&1 || true' EXIT

start=$(date +%s)
compose up -d --no-build asr prometheus
prometheus="http://127.0.0.1:$PROMETHEUS_PORT"
query() { curl -fsS --get "$prometheus/api/v1/query" --data-urlencode "query=$1"; }
series=0
for _ in $(seq 1 120); do
  if answer=$(query 'count({__name__=~"asr_.+", job="gearbox-asr"})' 2>/dev/null); then
    series=$(python3 -c 'import json, sys; r = json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else 0)' <<<"$answer")
    [ "$series" != 0 ] && break
  fi
  sleep 2
done
if [ "$series" = 0 ]; then
  echo "Prometheus holds no asr_* series for job gearbox-asr after $(( $(date +%s) - start )) s" >&2
  curl -fsS "$prometheus/api/v1/targets" >&2 || true
  exit 1
fi
up=$(query 'up{job="gearbox-asr"}' | python3 -c 'import json, sys; print(json.load(sys.stdin)["data"]["result"][0]["value"][1])')
capacity=$(query 'asr_admission_capacity_requests' | python3 -c 'import json, sys; print(json.load(sys.stdin)["data"]["result"][0]["value"][1])')
echo "Prometheus scrapes gearbox-asr: up=$up, $series asr_* series (asr_admission_capacity_requests=$capacity), first seen $(( $(date +%s) - start )) s after 'up'"
