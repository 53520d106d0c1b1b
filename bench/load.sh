#!/usr/bin/env bash
# Load benchmark of the governor: builds the service, starts it in the background with a one-off operator token,
# runs io.gearbox.asr.bench.LoadBenchmark against it, prints the Markdown table on stdout, stops the service.
#
#   bench/load.sh [DEVSET] [benchmark options...]
#
# DEVSET: a folder of WAV files with transcripts.tsv (<file>\t<text>); default models/gearbox-en/devset.
# Options go to the benchmark: --minutes 10 --levels 0.5,1,2,3,4 --modes auto,full,shallowest --slo 1s ...
# Environment: ASR_MODEL_PATH (default models/gearbox-en), PORT (default 18080), MVN_FLAGS (e.g. -o),
# SERVICE_ARGS (extra --asr.* arguments for the service, e.g. "--asr.recognition.workers=2"), JAVA_OPTS (the
# service's JVM options, e.g. "-XX:StartFlightRecording=filename=target/service.jfr,settings=profile").
set -euo pipefail
cd "$(dirname "$0")/.."

devset=${1:-models/gearbox-en/devset}
if [[ $# -gt 0 ]]; then shift; fi
model=${ASR_MODEL_PATH:-models/gearbox-en}
port=${PORT:-18080}
token="bench-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
log=target/bench-service.log

./mvnw -q ${MVN_FLAGS:-} package -DskipTests -Dsmoke.skip
./mvnw -q ${MVN_FLAGS:-} test-compile -Dsmoke.skip

java ${JAVA_OPTS:-} -jar target/gearbox-asr-0.1.0-SNAPSHOT.jar --server.port="$port" --asr.model.path="$model" \
    --asr.admin.token="$token" ${SERVICE_ARGS:-} >"$log" 2>&1 &
service=$!
trap 'kill "$service" 2>/dev/null; wait "$service" 2>/dev/null || true' EXIT

for _ in $(seq 120); do
    if curl -sf "http://localhost:$port/actuator/health/readiness" >/dev/null; then break; fi
    if ! kill -0 "$service" 2>/dev/null; then echo "The service did not start; see $log" >&2; exit 1; fi
    sleep 1
done
curl -sf "http://localhost:$port/actuator/health/readiness" >/dev/null || { echo "Not ready; see $log" >&2; exit 1; }

./mvnw -q ${MVN_FLAGS:-} exec:java -Dsmoke.skip -Dexec.classpathScope=test \
    -Dexec.mainClass=io.gearbox.asr.bench.LoadBenchmark \
    -Dexec.args="--url http://localhost:$port --token $token --devset $devset $*"
