#!/usr/bin/env bash
# Live streams through the real service: builds it, starts it on the shipped model, and runs StreamingBenchmark
# (1, 10 and 50 concurrent real-time streams of SET's clips; one Markdown row per concurrency).
#
#   bench/streaming.sh [SET] [CONCURRENCIES] [CLIPS_PER_STREAM]   # default models/recipe/work/dev_synth 1,10,50 4
#
# Environment: ASR_MODEL_PATH (default models/gearbox-en), PORT (default 18082), MVN_FLAGS (e.g. -o), JAVA_OPTS,
# BENCH_FLAGS (system properties for StreamingBenchmark, e.g. -Dafter.speech=0.6).
set -euo pipefail
cd "$(dirname "$0")/.."

set_dir=${1:-models/recipe/work/dev_synth}
levels=${2:-1,10,50}
clips=${3:-4}
port=${PORT:-18082}
log=target/streaming-service.log

./mvnw -q ${MVN_FLAGS:-} package -DskipTests -Dsmoke.skip
java ${JAVA_OPTS:-} -jar target/gearbox-asr-*-SNAPSHOT.jar --server.port="$port" \
    --asr.model.path="${ASR_MODEL_PATH:-models/gearbox-en}" --asr.stream.max-sessions=64 > "$log" 2>&1 &
service=$!
trap 'kill $service 2>/dev/null; wait $service 2>/dev/null || true' EXIT
until curl -sf "localhost:$port/actuator/health/readiness" > /dev/null; do
    kill -0 $service 2>/dev/null || { cat "$log"; exit 1; }
    sleep 1
done
./mvnw -q ${MVN_FLAGS:-} exec:java -Dsmoke.skip ${BENCH_FLAGS:-} -Dexec.classpathScope=test \
    -Dexec.mainClass=io.gearbox.asr.bench.StreamingBenchmark \
    -Dexec.args="http://localhost:$port $set_dir $levels $clips"
