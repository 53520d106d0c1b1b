/**
 * The load benchmark ({@link io.gearbox.asr.bench.LoadBenchmark}): a command run against a running service
 * ({@code bench/load.sh}), not a test.
 */
package io.gearbox.asr.bench;
