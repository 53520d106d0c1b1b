package io.gearbox.asr.server;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import org.springframework.boot.web.server.GracefulShutdownCallback;
import org.springframework.boot.web.server.GracefulShutdownResult;
import org.springframework.boot.web.server.WebServer;
import org.springframework.http.server.reactive.HttpHandler;

import static org.assertj.core.api.Assertions.assertThat;

class TlsListenerTests {

    private final List<String> calls = new ArrayList<>();

    private GracefulShutdownCallback draining;

    private final HttpHandler handler = (request, response) -> response.setComplete();

    @Test
    void startingMakesAndStartsAServerForTheApplicationsHandler() {
        List<HttpHandler> served = new ArrayList<>();
        TlsListener listener = new TlsListener((handler) -> {
            served.add(handler);
            return new RecordingServer();
        }, () -> this.handler);

        listener.start();

        assertThat(served).containsExactly(this.handler);
        assertThat(this.calls).containsExactly("start");
        assertThat(listener.isRunning()).isTrue();
        assertThat(listener.port()).isEqualTo(8443);
    }

    @Test
    void stoppingDrainsGracefullyBeforeTheServerStopsAndOnlyThenCallsBack() {
        TlsListener listener = new TlsListener((handler) -> new RecordingServer(), () -> this.handler);
        listener.start();
        AtomicBoolean stopped = new AtomicBoolean();

        listener.stop(() -> stopped.set(true));

        assertThat(this.calls).containsExactly("start", "shutDownGracefully");
        assertThat(stopped).isFalse();
        assertThat(listener.isRunning()).isTrue();
        this.draining.shutdownComplete(GracefulShutdownResult.IDLE);
        assertThat(this.calls).containsExactly("start", "shutDownGracefully", "stop", "destroy");
        assertThat(stopped).isTrue();
        assertThat(listener.isRunning()).isFalse();
        assertThat(listener.port()).isEqualTo(-1);
    }

    @Test
    void stoppingAListenerThatNeverStartedCallsBackAtOnce() {
        TlsListener listener = new TlsListener((handler) -> new RecordingServer(), () -> this.handler);
        AtomicBoolean stopped = new AtomicBoolean();

        listener.stop(() -> stopped.set(true));
        listener.stop();

        assertThat(stopped).isTrue();
        assertThat(this.calls).isEmpty();
    }

    @Test
    void itDrainsInThePhaseOfThePlainServersGracefulShutdown() {
        TlsListener listener = new TlsListener((handler) -> new RecordingServer(), () -> this.handler);

        assertThat(listener.getPhase()).isEqualTo(TlsListener.PHASE);
        assertThat(listener.isAutoStartup()).isTrue();
    }

    /** A server that notes what is done to it, and holds its graceful shutdown until the test completes it. */
    private final class RecordingServer implements WebServer {

        @Override
        public void start() {
            TlsListenerTests.this.calls.add("start");
        }

        @Override
        public void stop() {
            TlsListenerTests.this.calls.add("stop");
        }

        @Override
        public int getPort() {
            return 8443;
        }

        @Override
        public void shutDownGracefully(GracefulShutdownCallback callback) {
            TlsListenerTests.this.calls.add("shutDownGracefully");
            TlsListenerTests.this.draining = callback;
        }

        @Override
        public void destroy() {
            TlsListenerTests.this.calls.add("destroy");
        }

    }

}
