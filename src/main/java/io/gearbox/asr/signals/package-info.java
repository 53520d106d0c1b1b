/**
 * Utilisation signals for the load governor, as {@link io.gearbox.asr.governor.SignalSource}s: the JVM process's
 * and the machine's CPU load from the JDK's operating-system bean ({@link io.gearbox.asr.signals.CpuLoadSource}),
 * and a GPU's utilisation and memory through NVML ({@link io.gearbox.asr.signals.NvmlGpu}), which reports itself
 * unavailable on machines without the NVIDIA driver and is then ignored. Each read is quick and never blocks.
 */
package io.gearbox.asr.signals;
