package io.gearbox.asr.recognition;

import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;

import io.gearbox.asr.governor.DepthGovernor;
import io.gearbox.asr.governor.Gear;
import io.gearbox.asr.governor.LoadProbe;
import io.gearbox.asr.governor.RequestSample;
import io.gearbox.asr.recognition.RecognitionSample.Outcome;

/**
 * Connects the recognition pipeline to the {@link DepthGovernor}: as the {@link DepthSelector} it answers an
 * {@code auto} request with the governor's current gear (a {@code max_latency_ms} hint may only make it
 * lower); as a {@link RecognitionListener} it reports every utterance that reached an exit as a
 * {@link RequestSample}, and every request turned away for overload. A pinned request ({@code depth=N}) never asks the selector but is still reported.
 *
 * <p>The selector is called when a worker picks the request up, so queued requests run at the exit chosen when
 * they start, as the governor's prediction assumes. The sample's latency is the service's own, from admission to
 * completion; the upload's transfer before admission is not part of it.
 */
public final class GovernedDepth implements DepthSelector, RecognitionListener {

    private final DepthGovernor governor;

    /** @param governor the governor to ask and to report to */
    public GovernedDepth(DepthGovernor governor) {
        this.governor = Objects.requireNonNull(governor, "governor");
    }

    @Override
    public Gear selectGear(DepthQuery query) {
        OptionalLong hint = query.hasLatencyHint() ? OptionalLong.of(query.maxLatencyMillis()) : OptionalLong.empty();
        return this.governor.gearFor(OptionalInt.empty(), hint, query.audioSeconds());
    }

    @Override
    public void onRecognition(RecognitionSample sample) {
        if (sample.depth() <= 0 || sample.outcome() == Outcome.INVALID_AUDIO) {
            return; // never reached an exit: says nothing about its cost
        }
        this.governor.record(new RequestSample(sample.depth(), sample.decoding(), sample.audioSeconds(),
                sample.queueWait().toNanos(), sample.serviceTime().toNanos(), sample.frontEndTime().toNanos(),
                sample.ctcDecodeTime().toNanos(), sample.latency().toNanos()));
    }

    /** Every admitted request is an arrival: the governor counts it in the offered load. */
    @Override
    public void onAdmitted() {
        this.governor.recordAdmission();
    }

    /** A request turned away by a full admission queue still arrived: the governor counts it in the offered load. */
    @Override
    public void onRejected() {
        this.governor.recordRejection();
    }

    /**
     * @param admission the admission queue
     * @return the governor's load probe: in-flight and waiting utterances, and the workers
     */
    public static LoadProbe loadProbe(AdmissionQueue admission) {
        Objects.requireNonNull(admission, "admission");
        return () -> new LoadProbe.Load(admission.inFlight(), admission.waiting(), admission.concurrency());
    }

    @Override
    public String toString() {
        return "GovernedDepth";
    }

}
