package io.gearbox.asr.signals;

import java.util.Objects;
import java.util.OptionalDouble;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.ptr.PointerByReference;
import io.gearbox.asr.governor.SignalSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One NVIDIA GPU read through NVML ({@code libnvidia-ml.so.1}, bound with JNA): {@link #utilisation()}, the share
 * of the last sample period in which a kernel ran ({@code gpu-utilisation}, steers the depth), and
 * {@link #memory()}, the share of device memory allocated ({@code gpu-memory}, shown only: a shallower exit barely
 * changes it).
 *
 * <p>{@link #open} never fails: without the library, the driver or the device, the GPU is <em>unavailable</em>,
 * its reason is logged once at INFO, and both sources throw an {@link UnavailableException} carrying it on every
 * read, which the governor shows in the source's status and otherwise ignores. NVML calls take microseconds, so
 * reading on the governor's schedule does not block it.
 */
public final class NvmlGpu implements AutoCloseable {

    /** The library as the NVIDIA driver installs it. */
    public static final String LIBRARY = "libnvidia-ml.so.1";

    private static final Logger logger = LoggerFactory.getLogger(NvmlGpu.class);

    private static final int NVML_SUCCESS = 0;

    private final NvmlLibrary nvml;

    private final Pointer device;

    private final UnavailableException unavailable;

    private boolean closed;

    private NvmlGpu(NvmlLibrary nvml, Pointer device, UnavailableException unavailable) {
        this.nvml = nvml;
        this.device = device;
        this.unavailable = unavailable;
    }

    /**
     * Loads NVML, initialises it and finds the device.
     * @param library the library name or path, normally {@link #LIBRARY}
     * @param index the device's NVML index
     * @return the GPU, possibly {@linkplain #isAvailable() unavailable}
     */
    public static NvmlGpu open(String library, int index) {
        Objects.requireNonNull(library, "library");
        NvmlLibrary nvml;
        try {
            nvml = Native.load(library, NvmlLibrary.class);
        }
        catch (UnsatisfiedLinkError | RuntimeException ex) {
            return unavailable("NVML library " + library + " cannot be loaded (no NVIDIA driver?): " + firstLine(ex));
        }
        try {
            int result = nvml.nvmlInit_v2();
            if (result != NVML_SUCCESS) {
                return unavailable("nvmlInit_v2 failed: " + describe(nvml, result));
            }
            PointerByReference handle = new PointerByReference();
            result = nvml.nvmlDeviceGetHandleByIndex_v2(index, handle);
            if (result != NVML_SUCCESS) {
                nvml.nvmlShutdown();
                return unavailable("no GPU at NVML index " + index + ": " + describe(nvml, result));
            }
            logger.info("Reading GPU {} through NVML", index);
            return new NvmlGpu(nvml, handle.getValue(), null);
        }
        catch (UnsatisfiedLinkError | RuntimeException ex) {
            return unavailable("NVML failed: " + ex);
        }
    }

    /** JNA's message lists every place it looked, the whole class path included; the first line says enough. */
    private static String firstLine(Throwable ex) {
        String message = String.valueOf(ex.getMessage());
        int end = message.indexOf('\n');
        String line = (end >= 0) ? message.substring(0, end) : message;
        return (line.length() > 200) ? line.substring(0, 200) + "..." : line;
    }

    private static NvmlGpu unavailable(String reason) {
        logger.info("GPU signals unavailable, the governor ignores them: {}", reason);
        return new NvmlGpu(null, null, new UnavailableException(reason));
    }

    private static String describe(NvmlLibrary nvml, int result) {
        try {
            return nvml.nvmlErrorString(result) + " (" + result + ")";
        }
        catch (RuntimeException | UnsatisfiedLinkError ex) {
            return "error " + result;
        }
    }

    /** @return whether the GPU can be read */
    public boolean isAvailable() {
        return this.unavailable == null;
    }

    /** @return why the GPU cannot be read; empty when it can */
    public java.util.Optional<String> unavailableReason() {
        return (this.unavailable != null) ? java.util.Optional.of(this.unavailable.getMessage())
                : java.util.Optional.empty();
    }

    /** @return the GPU's utilisation ({@code gpu-utilisation}), a steering source */
    public SignalSource utilisation() {
        return new Source("gpu-utilisation", true, this::readUtilisation);
    }

    /** @return the share of the GPU's memory in use ({@code gpu-memory}), shown only */
    public SignalSource memory() {
        return new Source("gpu-memory", false, this::readMemory);
    }

    private synchronized OptionalDouble readUtilisation() {
        ensureReadable();
        Utilization utilization = new Utilization();
        check(this.nvml.nvmlDeviceGetUtilizationRates(this.device, utilization), "nvmlDeviceGetUtilizationRates");
        return OptionalDouble.of(Math.min(100, Integer.toUnsignedLong(utilization.gpu)) / 100.0);
    }

    private synchronized OptionalDouble readMemory() {
        ensureReadable();
        Memory memory = new Memory();
        check(this.nvml.nvmlDeviceGetMemoryInfo(this.device, memory), "nvmlDeviceGetMemoryInfo");
        if (memory.total == 0) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(Math.min(1.0, (double) memory.used / memory.total));
    }

    private void ensureReadable() {
        if (this.unavailable != null) {
            throw this.unavailable;
        }
        if (this.closed) {
            throw new IllegalStateException("NVML has been shut down");
        }
    }

    private void check(int result, String call) {
        if (result != NVML_SUCCESS) {
            throw new IllegalStateException(call + " failed: " + describe(this.nvml, result));
        }
    }

    /** Shuts NVML down; idempotent. Reads afterwards fail. */
    @Override
    public synchronized void close() {
        if (!this.closed && this.nvml != null) {
            this.nvml.nvmlShutdown();
        }
        this.closed = true;
    }

    /** NVML could not be loaded or has no such device. Cheap: no stack trace. */
    public static final class UnavailableException extends IllegalStateException {

        UnavailableException(String reason) {
            super(reason);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }

    }

    /** The part of NVML's C API that is used; see {@code nvml.h}. */
    interface NvmlLibrary extends Library {

        int nvmlInit_v2();

        int nvmlShutdown();

        int nvmlDeviceGetHandleByIndex_v2(int index, PointerByReference device);

        int nvmlDeviceGetUtilizationRates(Pointer device, Utilization utilization);

        int nvmlDeviceGetMemoryInfo(Pointer device, Memory memory);

        String nvmlErrorString(int result);

    }

    /** {@code nvmlUtilization_t}: percentages over the last sample period. */
    @Structure.FieldOrder({ "gpu", "memory" })
    public static class Utilization extends Structure {

        public int gpu;

        public int memory;

    }

    /** {@code nvmlMemory_t}: bytes. */
    @Structure.FieldOrder({ "total", "free", "used" })
    public static class Memory extends Structure {

        public long total;

        public long free;

        public long used;

    }

    /** A signal backed by one NVML query. */
    private record Source(String name, boolean steersDepth, Reading reading) implements SignalSource {

        @Override
        public OptionalDouble read() {
            return this.reading.read();
        }

        @Override
        public String toString() {
            return this.name;
        }

    }

    @FunctionalInterface
    private interface Reading {

        OptionalDouble read();

    }

}
