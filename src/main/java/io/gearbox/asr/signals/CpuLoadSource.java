package io.gearbox.asr.signals;

import java.lang.management.ManagementFactory;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.function.DoubleSupplier;

import io.gearbox.asr.governor.SignalSource;

/**
 * CPU load as a fraction of all the machine's cores, from {@link com.sun.management.OperatingSystemMXBean}: the
 * JVM process's ({@link #process()}, {@code process-cpu}) or the whole machine's ({@link #machine(boolean)},
 * {@code machine-cpu}). The bean reports the load since its previous call, so reading once per evaluation gives
 * the mean over the evaluation interval. A negative value (the platform cannot tell) reads as nothing.
 */
public final class CpuLoadSource implements SignalSource {

    private final String name;

    private final boolean steersDepth;

    private final DoubleSupplier load;

    /**
     * @param name the source's name
     * @param steersDepth whether the reading may move the depth
     * @param load the load in {@code [0, 1]}, negative when unknown
     */
    CpuLoadSource(String name, boolean steersDepth, DoubleSupplier load) {
        this.name = Objects.requireNonNull(name, "name");
        this.steersDepth = steersDepth;
        this.load = Objects.requireNonNull(load, "load");
    }

    /** @return the JVM process's CPU load; it steers the depth */
    public static CpuLoadSource process() {
        com.sun.management.OperatingSystemMXBean os = bean();
        return new CpuLoadSource("process-cpu", true, os::getProcessCpuLoad);
    }

    /**
     * @param steersDepth whether the machine's load may move the depth
     * @return the whole machine's CPU load
     */
    public static CpuLoadSource machine(boolean steersDepth) {
        com.sun.management.OperatingSystemMXBean os = bean();
        return new CpuLoadSource("machine-cpu", steersDepth, os::getCpuLoad);
    }

    private static com.sun.management.OperatingSystemMXBean bean() {
        return ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class);
    }

    @Override
    public String name() {
        return this.name;
    }

    @Override
    public OptionalDouble read() {
        double value = this.load.getAsDouble();
        if (!(value >= 0)) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(Math.min(1.0, value));
    }

    @Override
    public boolean steersDepth() {
        return this.steersDepth;
    }

    @Override
    public String toString() {
        return this.name;
    }

}
