package io.gearbox.asr.support;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Audio made in the test: 16-bit PCM WAV files of tones.
 */
public final class TestAudio {

    private TestAudio() {
    }

    /**
     * @param seconds duration
     * @param sampleRate samples per second
     * @param frequency tone frequency in Hz
     * @return a mono 16-bit PCM WAV file holding the tone at half scale
     */
    public static byte[] toneWav(double seconds, int sampleRate, double frequency) {
        int samples = (int) Math.round(seconds * sampleRate);
        short[] pcm = new short[samples];
        for (int i = 0; i < samples; i++) {
            pcm[i] = (short) Math.round(0.5 * 32767 * Math.sin(2 * Math.PI * frequency * i / sampleRate));
        }
        return wav(pcm, sampleRate);
    }

    /**
     * @param pcm mono 16-bit samples
     * @param sampleRate samples per second
     * @return a canonical 44-byte-header WAV file
     */
    public static byte[] wav(short[] pcm, int sampleRate) {
        ByteBuffer buffer = ByteBuffer.allocate(44 + pcm.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        buffer.put("RIFF".getBytes()).putInt(36 + pcm.length * 2).put("WAVE".getBytes());
        buffer.put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) 1).putInt(sampleRate)
            .putInt(sampleRate * 2).putShort((short) 2).putShort((short) 16);
        buffer.put("data".getBytes()).putInt(pcm.length * 2);
        for (short sample : pcm) {
            buffer.putShort(sample);
        }
        return buffer.array();
    }

    /** @return bytes that are no audio format */
    public static byte[] junk() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < 2048; i++) {
            out.write((i * 7919 + 13) & 0xff);
        }
        return out.toByteArray();
    }

}
