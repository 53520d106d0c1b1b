package io.gearbox.asr.server;

import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.reactive.ReactiveWebServerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.server.reactive.HttpHandler;

/**
 * A second server, made by a {@link ReactiveWebServerFactory} already set up with TLS, that serves the
 * application's HTTP handler (so every route: the same filters, controllers, WebSocket routes and error mapping as
 * the plain port) and lives as long as the application context's lifecycle: it starts when the context starts,
 * after the plain server, and on stop it shuts down gracefully (requests in flight are finished, new ones refused,
 * as the plain server does with {@code server.shutdown=graceful}) before it closes.
 *
 * <p>Its phase is that of Spring Boot's own graceful shutdown of the plain server, so both drain together.
 */
public final class TlsListener implements SmartLifecycle {

    /** The phase of Spring Boot's graceful shutdown of the plain server. */
    static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1024;

    private static final Logger logger = LoggerFactory.getLogger(TlsListener.class);

    private final ReactiveWebServerFactory factory;

    private final Supplier<HttpHandler> handler;

    private volatile WebServer server;

    /**
     * @param factory makes the server, with its port, TLS and graceful shutdown set
     * @param handler the application's HTTP handler, asked for when the listener starts
     */
    public TlsListener(ReactiveWebServerFactory factory, Supplier<HttpHandler> handler) {
        this.factory = factory;
        this.handler = handler;
    }

    @Override
    public void start() {
        WebServer started = this.factory.getWebServer(this.handler.get());
        started.start();
        this.server = started;
        logger.info("TLS listener started on port {}", started.getPort());
    }

    @Override
    public void stop(Runnable callback) {
        WebServer running = this.server;
        if (running == null) {
            callback.run();
            return;
        }
        running.shutDownGracefully((result) -> {
            logger.info("TLS listener shut down ({})", result);
            stopNow(running);
            callback.run();
        });
    }

    @Override
    public void stop() {
        WebServer running = this.server;
        if (running != null) {
            stopNow(running);
        }
    }

    private void stopNow(WebServer running) {
        running.stop();
        running.destroy();
        this.server = null;
    }

    @Override
    public boolean isRunning() {
        return this.server != null;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /** @return the port it listens on (the one chosen when configured as {@code 0}); {@code -1} when stopped */
    public int port() {
        WebServer running = this.server;
        return (running != null) ? running.getPort() : -1;
    }

}
