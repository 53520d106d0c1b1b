/**
 * The load governor: the control loop that chooses which gear serves requests (an exit, that is an encoder depth,
 * and optionally greedy decoding below the shallowest exit: {@link io.gearbox.asr.governor.Gear}), so that the
 * p95 of end-to-end latency stays within its objective under load and full depth is served when there is room.
 *
 * <h2>Contract</h2>
 * <ul>
 * <li><b>In:</b> a {@link io.gearbox.asr.governor.RequestSample} per completed request; utilisation readings
 * from pluggable {@link io.gearbox.asr.governor.SignalSource}s and in-flight/queued gauges from a
 * {@link io.gearbox.asr.governor.LoadProbe}, both read when {@code evaluate()} is called by an external
 * scheduler.
 * <li><b>Out:</b> the default gear ({@code gear()}, its exit {@code depth()}), the gear for one request
 * ({@code gearFor}), {@link io.gearbox.asr.governor.DepthChange} events to listeners, and an immutable
 * {@link io.gearbox.asr.governor.GovernorSnapshot} for operators.
 * <li><b>Control:</b> {@code pin(depth)} or {@code pin(gear)}, {@code auto()} and {@code updateSettings(GovernorSettings)} apply at
 * once.
 * <li><b>Units:</b> durations as {@link java.time.Duration} or with the unit in the name ({@code ...Nanos},
 * {@code ...Seconds}, {@code ...Millis}); costs in service seconds per audio second; utilisation as a fraction
 * in {@code [0, 1]}.
 * <li><b>Failures:</b> a signal source or load probe that throws or goes silent is reported in the snapshot and
 * ignored, never fatal; a throwing listener is logged and skipped.
 * <li><b>Time and threads:</b> the clock is injected; no threads are started here.
 * </ul>
 *
 * <p>Plain Java: no Spring, Reactor or Micrometer types, so the policy can be tested with a fake clock and fed
 * samples, and the edges (web, metrics, config) depend on it, never the reverse. The policy itself, with its
 * formula and states, is described on {@link io.gearbox.asr.governor.DepthGovernor}.
 */
package io.gearbox.asr.governor;
