/**
 * Benchmarks, commands that print Markdown tables, not tests: the load benchmark
 * ({@link io.gearbox.asr.bench.LoadBenchmark}, run against a running service by {@code bench/load.sh}), the exits'
 * and decoders' ({@link io.gearbox.asr.bench.ExitBenchmark}, {@link io.gearbox.asr.bench.DecodingBenchmark}), and
 * the service against Debian's pocketsphinx on the same clips ({@link io.gearbox.asr.bench.PeerBenchmark},
 * {@code bench/peer.sh}); with what they share: word error counting ({@code support.WordErrors}) and the
 * normalisation of transcripts before it ({@link io.gearbox.asr.bench.TextNormalisation}).
 */
package io.gearbox.asr.bench;
