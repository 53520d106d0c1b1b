package io.gearbox.asr.segmentation;

/**
 * Speech probabilities written as patterns, one character a window: {@code #} speech (0.9), {@code .} silence (0.1),
 * {@code ~} between the thresholds (0.4), a digit {@code d} the probability {@code d / 10}.
 */
final class Probabilities {

    private Probabilities() {
    }

    static float[] windows(String pattern) {
        float[] p = new float[pattern.length()];
        for (int i = 0; i < p.length; i++) {
            char c = pattern.charAt(i);
            p[i] = switch (c) {
                case '#' -> 0.9f;
                case '.' -> 0.1f;
                case '~' -> 0.4f;
                default -> (c - '0') / 10f;
            };
        }
        return p;
    }

}
