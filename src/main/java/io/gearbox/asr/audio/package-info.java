/**
 * Audio in: decoding uploaded files to mono float samples at the model's rate.
 *
 * <p>Contract of {@link io.gearbox.asr.audio.AudioLoader#load(byte[], String)}:
 * <ul>
 * <li>Input: the uploaded bytes and the declared media type. Supported: WAV (integer PCM
 * 8-bit unsigned, 16, 24 and 32-bit; IEEE float 32 and 64-bit; A-law; mu-law; plain or
 * WAVE_FORMAT_EXTENSIBLE; RF64), FLAC, MP3 (MPEG-1/2/2.5 layers I-III), Ogg Vorbis, and
 * headerless {@code audio/L16; rate=N; channels=M} (signed 16-bit big-endian). Without a
 * type, or with {@code application/octet-stream}, the format is recognised from its magic
 * bytes.</li>
 * <li>Output: {@link io.gearbox.asr.audio.PcmAudio}, mono (channels averaged), 32-bit
 * float samples nominally in [-1, 1], at the loader's target rate, with the source format,
 * rate and channel count.</li>
 * <li>Source sample rates from 8 kHz to 48 kHz are accepted; any other real rate is
 * unsupported, and a zero rate is invalid.</li>
 * <li>Failures are {@link io.gearbox.asr.audio.AudioException}s whose messages are safe to
 * show a client: {@link io.gearbox.asr.audio.UnsupportedAudioException} (HTTP 415: media
 * type, container, codec or sample rate we do not decode, or bytes we cannot recognise
 * when no type says what they are), {@link io.gearbox.asr.audio.InvalidAudioException}
 * (HTTP 400: empty, corrupt, truncated-header or sample-less input in a recognised
 * format) and {@link io.gearbox.asr.audio.AudioTooLongException} (HTTP 413: longer than
 * the maximum duration, detected from the header where the format declares its length,
 * and in any case while decoding, before resampling). No input makes the loader throw
 * anything else, allocate beyond what the duration limit allows, or loop forever.</li>
 * </ul>
 *
 * <p>No Spring, no Reactor: plain Java and the decoder libraries (JLayer, JOrbis). WAV,
 * audio/L16, FLAC frames and the {@link io.gearbox.asr.audio.Resampler} are written by hand;
 * each class says why.
 */
package io.gearbox.asr.audio;
