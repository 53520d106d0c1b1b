package io.gearbox.asr.lifecycle;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Turns SIGTERM (and SIGINT) into one orderly stop: the first signal runs the given stop action (closing the
 * application context, which drains the requests in flight and then closes the native sessions) and only then exits
 * with {@code 128 + signal number} (143 for SIGTERM), so that the JVM's shutdown hooks run after the stop instead of
 * beside it. Later signals while the stop runs are logged and ignored; a supervisor that will not wait sends SIGKILL.
 *
 * <p>Why by hand: ONNX Runtime's Java binding registers a JVM shutdown hook that releases its native environment.
 * The JVM starts every shutdown hook at once on SIGTERM, so that hook freed the environment while Spring's hook was
 * still waiting for requests to finish, and inferences running on the workers crashed the process with SIGSEGV in
 * {@code libonnxruntime.so} (the hook's thread cannot be unregistered: the binding keeps no reference to it). Neither
 * Spring Boot nor the JDK's public API offers a stop that runs before the other hooks; {@link Signal}
 * ({@code jdk.unsupported}, present in every JDK since 9 and used for this by many servers) replaces the JVM's own
 * handler for the signal.
 */
public final class TerminationSignal {

    private static final Logger logger = LoggerFactory.getLogger(TerminationSignal.class);

    /** The signals a supervisor or a terminal sends to stop the service. */
    public static final List<String> STOP_SIGNALS = List.of("TERM", "INT");

    private final Runnable stop;

    private final IntConsumer exit;

    private final AtomicBoolean stopping = new AtomicBoolean();

    private TerminationSignal(Runnable stop, IntConsumer exit) {
        this.stop = stop;
        this.exit = exit;
    }

    /**
     * Handles the given signals from now on.
     * @param signals signal names without {@code SIG} (e.g. {@link #STOP_SIGNALS})
     * @param stop what to do first, on the signal's thread; when it returns (or fails) the process exits
     * @param exit ends the process with a status ({@code System::exit})
     * @return the handler; signals the JVM does not let an application handle (with {@code -Xrs}, for one) are
     * logged and left to the JVM
     */
    public static TerminationSignal install(List<String> signals, Runnable stop, IntConsumer exit) {
        TerminationSignal handler = new TerminationSignal(stop, exit);
        for (String name : signals) {
            try {
                Signal.handle(new Signal(name), handler::onSignal);
            }
            catch (IllegalArgumentException ex) {
                logger.warn("SIG{} is left to the JVM ({}): it will not wait for requests in flight", name,
                        ex.getMessage());
            }
        }
        return handler;
    }

    /** @return whether a signal has started the stop */
    public boolean isStopping() {
        return this.stopping.get();
    }

    private void onSignal(Signal signal) {
        if (!this.stopping.compareAndSet(false, true)) {
            logger.info("SIG{} while stopping: still waiting for the stop to finish", signal.getName());
            return;
        }
        logger.info("SIG{}: stopping", signal.getName());
        int status = 128 + signal.getNumber();
        try {
            this.stop.run();
        }
        catch (RuntimeException | Error ex) {
            logger.error("The stop failed; exiting", ex);
        }
        finally {
            this.exit.accept(status);
        }
    }

}
