package io.gearbox.asr.audio;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Live streams' audio: raw PCM in chunks that split samples anywhere, and chunked resampling that equals the
 * one-shot resampler however the input is chunked.
 */
class PcmStreamTests {

    @Test
    void aSampleSplitAcrossChunksIsCompletedByTheNext() {
        ByteBuffer bytes = ByteBuffer.allocate(6).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putShort((short) 16384).putShort((short) -32768).putShort((short) 1);
        byte[] all = bytes.array();
        PcmEncoding.Chunks chunks = PcmEncoding.S16LE.chunks();
        assertThat(chunks.accept(ByteBuffer.wrap(all, 0, 3))).containsExactly(0.5f);
        assertThat(chunks.pendingBytes()).isEqualTo(1);
        assertThat(chunks.accept(ByteBuffer.wrap(all, 3, 1))).containsExactly(-1f);
        assertThat(chunks.accept(ByteBuffer.wrap(all, 4, 2))).containsExactly(1 / 32768f);
    }

    @Test
    void floatsAreReadAsTheyAreAndNonFiniteOnesAsSilence() {
        ByteBuffer bytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putFloat(0.25f).putFloat(Float.NaN);
        assertThat(PcmEncoding.F32LE.chunks().accept(bytes.flip())).containsExactly(0.25f, 0f);
    }

    @Test
    void encodingsAreFoundByTheirWireNames() {
        assertThat(PcmEncoding.ofWireName("PCM_S16LE")).contains(PcmEncoding.S16LE);
        assertThat(PcmEncoding.ofWireName("pcm_f32le")).contains(PcmEncoding.F32LE);
        assertThat(PcmEncoding.ofWireName("mulaw")).isEmpty();
    }

    @Test
    void chunkedResamplingEqualsResamplingTheWholeHoweverItIsChunked() {
        Random random = new Random(7);
        float[] input = new float[48_000];
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) Math.sin(i * 0.03) * 0.5f + (random.nextFloat() - 0.5f) * 0.1f;
        }
        for (int[] rates : new int[][] { { 48_000, 16_000 }, { 24_000, 16_000 }, { 44_100, 16_000 },
                { 8_000, 16_000 } }) {
            float[] whole = Resampler.resample(input, rates[0], rates[1]);
            Resampler.Stream stream = Resampler.stream(rates[0], rates[1]);
            float[] joined = new float[0];
            int from = 0;
            while (from < input.length) {
                int length = Math.min(input.length - from, 1 + random.nextInt(3_000));
                float[] chunk = new float[length];
                System.arraycopy(input, from, chunk, 0, length);
                joined = concat(joined, stream.accept(chunk));
                from += length;
            }
            joined = concat(joined, stream.flush());
            assertThat(joined).as("%d to %d", rates[0], rates[1]).hasSize(whole.length);
            for (int i = 0; i < whole.length; i++) {
                assertThat(joined[i]).as("sample %d, %d to %d", i, rates[0], rates[1]).isEqualTo(whole[i]);
            }
        }
    }

    private static float[] concat(float[] a, float[] b) {
        float[] joined = new float[a.length + b.length];
        System.arraycopy(a, 0, joined, 0, a.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }

}
