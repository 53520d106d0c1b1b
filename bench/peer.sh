#!/usr/bin/env bash
# The service against Debian's pocketsphinx on the same clips: runs io.gearbox.asr.bench.PeerBenchmark, which
# prints one Markdown row per set (WER with substitutions / deletions / insertions, and real-time factors).
#
#   bench/peer.sh [options...] [SET...]
#
# SET: folders with transcripts.tsv (<relative audio path>\t<text>) and the audio; default the recipe's development
# sets (models/recipe/work/dev_synth, dev_fsdd, dev_an4) and the real ones in ../shared/data (commonvoice-dev,
# mfa-spontaneous, librivox-dev). Options go to the benchmark: --clips N (at most N clips a set, evenly spaced),
# --warm-up N (untimed clips a set first, default 10), --url http://localhost:8080 (also decode over HTTP with a
# running service). Environment: ASR_MODEL_PATH (default models/gearbox-en), MVN_FLAGS (e.g. -o).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v pocketsphinx_continuous >/dev/null || missing+=(pocketsphinx)
[[ -f /usr/share/pocketsphinx/model/en-us/en-us.lm.bin ]] || missing+=(pocketsphinx-en-us)
command -v sox >/dev/null || missing+=(sox)
# sox reads MP3 only through its MP3 format library (mfa-spontaneous has three MP3 clips)
if command -v sox >/dev/null && ! grep -q 'AUDIO FILE FORMATS:.* mp3' <<<"$(sox -h 2>/dev/null || true)"; then
    missing+=(libsox-fmt-mp3)
fi
[[ -x /usr/bin/time ]] || missing+=(time)
if [[ ${#missing[@]} -gt 0 ]]; then
    echo "Missing Debian packages: ${missing[*]}. Install them with: sudo apt-get install ${missing[*]}" >&2
    exit 1
fi

options=()
sets=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --clips|--warm-up|--url) options+=("$1" "$2"); shift 2 ;;
        *) sets+=("$1"); shift ;;
    esac
done
if [[ ${#sets[@]} -eq 0 ]]; then
    sets=(models/recipe/work/dev_synth models/recipe/work/dev_fsdd models/recipe/work/dev_an4
          ../shared/data/commonvoice-dev ../shared/data/mfa-spontaneous ../shared/data/librivox-dev)
fi
for set in "${sets[@]}"; do
    [[ -f "$set/transcripts.tsv" ]] || { echo "$set has no transcripts.tsv" >&2; exit 1; }
done

./mvnw -q ${MVN_FLAGS:-} test-compile exec:java -Dsmoke.skip -Dexec.classpathScope=test \
    -Dexec.mainClass=io.gearbox.asr.bench.PeerBenchmark \
    -Dexec.args="${options[*]} ${ASR_MODEL_PATH:-models/gearbox-en} ${sets[*]}"
