#!/usr/bin/env bash
# Memory and time of one long upload through the real service: builds it, writes recordings of MINUTES minutes
# joined from SET's clips (LongFormBenchmark -Dwrite), starts the service on them once with long recordings cut at
# speech pauses (the default) and once recognising them whole (asr.segmentation.enabled=false), and prints for
# each upload the service's resident memory before it and its peak after it (VmRSS, VmHWM of /proc), the time the
# request took, and the WER of its transcript.
#
#   bench/long-audio.sh [SET] [MINUTES]          # default models/recipe/work/dev_synth 9.6 (576 s, under the
#                                                # 10-minute limit)
#
# Environment: ASR_MODEL_PATH (default models/gearbox-en), PORT (default 18081), MVN_FLAGS (e.g. -o), MODES
# (default "cut whole"), JAVA_OPTS (the service's JVM options).
set -euo pipefail
cd "$(dirname "$0")/.."

set_dir=${1:-models/recipe/work/dev_synth}
minutes=${2:-9.6}
model=${ASR_MODEL_PATH:-models/gearbox-en}
port=${PORT:-18081}
log=target/long-audio-service.log
prefix=target/long-audio

./mvnw -q ${MVN_FLAGS:-} package -DskipTests -Dsmoke.skip
./mvnw -q ${MVN_FLAGS:-} exec:java -Dsmoke.skip -Dexec.classpathScope=test \
    -Dexec.mainClass=io.gearbox.asr.bench.LongFormBenchmark -Dwrite="$prefix" \
    -Dexec.args="$model $set_dir $minutes" | grep '^wrote'
wav="$prefix-${minutes}min.wav"
[[ -f $wav ]] || wav="$prefix-${minutes}.0min.wav"
reference="${wav%.wav}.txt"

kib() { awk -v key="$1:" '$1 == key { print $2 }' "/proc/$2/status"; }

wer() { # reference file, hypothesis text: the recipe's word error rate (models/recipe/train.py)
    /usr/bin/python3 - "$1" "$2" <<'PY'
import sys
sys.path.insert(0, "models/recipe")
from train import word_errors
errors, words = word_errors(open(sys.argv[1]).read().lower(), sys.argv[2].lower())
print(f"{100 * errors / words:.1f}%")
PY
}

echo
echo "| upload | mode | RSS before (MB) | peak RSS after (MB) | growth (MB) | request (s) | WER |"
echo "|---|---|---:|---:|---:|---:|---:|"
for mode in ${MODES:-cut whole}; do
    enabled=true; [[ $mode == whole ]] && enabled=false
    java ${JAVA_OPTS:-} -jar target/gearbox-asr-0.1.0-SNAPSHOT.jar --server.port="$port" --asr.model.path="$model" \
        --asr.segmentation.enabled="$enabled" --asr.governor.enabled=false >"$log" 2>&1 &
    service=$!
    trap 'kill "$service" 2>/dev/null; wait "$service" 2>/dev/null || true' EXIT
    for _ in $(seq 120); do
        if curl -sf "http://localhost:$port/actuator/health/readiness" >/dev/null; then break; fi
        kill -0 "$service" 2>/dev/null || { echo "The service did not start; see $log" >&2; exit 1; }
        sleep 1
    done
    before=$(kib VmRSS "$service")
    started=$(date +%s.%N)
    text=$(curl -sf -F "file=@$wav;type=audio/wav" -F response_format=text \
        "http://localhost:$port/v1/audio/transcriptions")
    took=$(echo "$(date +%s.%N) - $started" | bc)
    peak=$(kib VmHWM "$service")
    printf '| %s | %s | %.0f | %.0f | %.0f | %.1f | %s |\n' "$(basename "$wav")" "$mode" "$((before / 1024))" \
        "$((peak / 1024))" "$(((peak - before) / 1024))" "$took" "$(wer "$reference" "$text")"
    kill "$service"; wait "$service" 2>/dev/null || true
    trap - EXIT
done
