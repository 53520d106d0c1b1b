package io.gearbox.asr.audio;

/**
 * What a decoder hands back: mono samples at the source rate.
 *
 * @param samples mono samples, already mixed down by averaging the channels
 * @param sampleRate source rate in Hz
 * @param channels source channel count
 */
record DecodedAudio(float[] samples, int sampleRate, int channels) {
}
