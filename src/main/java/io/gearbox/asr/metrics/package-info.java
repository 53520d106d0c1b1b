/**
 * Micrometer meters, exported at {@code /actuator/prometheus}: HTTP requests by endpoint, outcome and depth with a
 * latency histogram ({@link io.gearbox.asr.metrics.RequestMetrics}); recognitions, audio seconds, queue wait and
 * service time per depth, and the admission queue's gauges ({@link io.gearbox.asr.metrics.RecognitionMetrics}); the
 * load governor's depth, switches, signals and cost table ({@link io.gearbox.asr.metrics.GovernorMetrics}).
 */
package io.gearbox.asr.metrics;
