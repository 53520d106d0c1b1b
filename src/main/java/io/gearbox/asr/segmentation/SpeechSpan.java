package io.gearbox.asr.segmentation;

/** Placeholder until the segmentation package lands (replaced on merge). */
public record SpeechSpan(int startSample, int endSample) {

    public double startSeconds(int rate) {
        return (double) this.startSample / rate;
    }

    public double endSeconds(int rate) {
        return (double) this.endSample / rate;
    }

    public int length() {
        return this.endSample - this.startSample;
    }

}
