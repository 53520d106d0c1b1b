/**
 * Listeners besides the one Spring Boot starts on {@code server.port}: the optional TLS listener, which serves the
 * application's own HTTP handler (every route, WebSocket ones too) on a port of its own.
 */
package io.gearbox.asr.server;
