package io.gearbox.asr.audio;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;
import java.util.Optional;

/**
 * Raw little-endian PCM sample encodings of a live stream, by their wire names ({@code pcm_s16le},
 * {@code pcm_f32le}).
 */
public enum PcmEncoding {

    /** Signed 16-bit integers, little-endian; full scale is 32768. */
    S16LE("pcm_s16le", 2),

    /** IEEE 754 32-bit floats, little-endian, full scale 1.0. */
    F32LE("pcm_f32le", 4);

    private final String wireName;

    private final int bytesPerSample;

    PcmEncoding(String wireName, int bytesPerSample) {
        this.wireName = wireName;
        this.bytesPerSample = bytesPerSample;
    }

    /** @return the name clients use, such as {@code pcm_s16le} */
    public String wireName() {
        return this.wireName;
    }

    /** @return bytes per mono sample */
    public int bytesPerSample() {
        return this.bytesPerSample;
    }

    /**
     * @param name a wire name, case-insensitive
     * @return the encoding, or empty if there is none of that name
     */
    public static Optional<PcmEncoding> ofWireName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String lower = name.toLowerCase(Locale.ROOT);
        for (PcmEncoding encoding : values()) {
            if (encoding.wireName.equals(lower)) {
                return Optional.of(encoding);
            }
        }
        return Optional.empty();
    }

    /** @return a decoder for a stream of chunks in this encoding */
    public Chunks chunks() {
        return new Chunks(this);
    }

    /**
     * Turns chunks of any size into samples: a sample split across two chunks is completed by the second. Not
     * thread-safe.
     */
    public static final class Chunks {

        private final PcmEncoding encoding;

        private final byte[] carry;

        private int carried;

        private Chunks(PcmEncoding encoding) {
            this.encoding = encoding;
            this.carry = new byte[encoding.bytesPerSample];
        }

        /**
         * @param chunk the next bytes of the stream
         * @return the samples it completes, full scale 1.0; non-finite floats become 0
         */
        public float[] accept(ByteBuffer chunk) {
            int size = this.encoding.bytesPerSample;
            int available = this.carried + chunk.remaining();
            float[] samples = new float[available / size];
            ByteBuffer bytes = chunk.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            int index = 0;
            if (this.carried > 0) {
                while (this.carried < size && bytes.hasRemaining()) {
                    this.carry[this.carried++] = bytes.get();
                }
                if (this.carried < size) {
                    return samples; // still incomplete: samples is empty
                }
                samples[index++] = sample(ByteBuffer.wrap(this.carry).order(ByteOrder.LITTLE_ENDIAN));
                this.carried = 0;
            }
            while (bytes.remaining() >= size) {
                samples[index++] = sample(bytes);
            }
            while (bytes.hasRemaining()) {
                this.carry[this.carried++] = bytes.get();
            }
            return samples;
        }

        /** @return bytes of an incomplete sample held for the next chunk */
        public int pendingBytes() {
            return this.carried;
        }

        private float sample(ByteBuffer bytes) {
            if (this.encoding == S16LE) {
                return bytes.getShort() / 32768f;
            }
            float value = bytes.getFloat();
            return Float.isFinite(value) ? value : 0f;
        }

    }

}
