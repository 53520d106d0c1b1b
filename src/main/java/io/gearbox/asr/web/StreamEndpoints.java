package io.gearbox.asr.web;

import java.util.LinkedHashMap;
import java.util.Map;

import io.gearbox.asr.streaming.StreamingRecognizer;
import reactor.netty.http.server.WebsocketServerSpec;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import org.springframework.web.reactive.socket.server.upgrade.ReactorNettyRequestUpgradeStrategy;

/**
 * The WebSocket endpoints, mapped when live streams are served ({@code asr.stream.enabled} and the voice activity
 * detector): {@code /v1/stream}, the native protocol ({@link StreamSocketHandler}), and {@code /v1/realtime},
 * OpenAI's Realtime transcription sessions ({@link RealtimeSocketHandler}).
 */
@Configuration(proxyBeanMethods = false)
class StreamEndpoints {

    @Bean
    HandlerMapping streamHandlerMapping(ObjectProvider<StreamingRecognizer> streams, JsonMapper jsonMapper) {
        Map<String, WebSocketHandler> handlers = new LinkedHashMap<>();
        StreamingRecognizer recognizer = streams.getIfAvailable();
        if (recognizer != null) {
            handlers.put("/v1/stream", new StreamSocketHandler(recognizer, jsonMapper));
            handlers.put(RealtimeSocketHandler.PATH, new RealtimeSocketHandler(recognizer, jsonMapper));
        }
        return new SimpleUrlHandlerMapping(handlers, Ordered.HIGHEST_PRECEDENCE);
    }

    /**
     * Lets frames up to twice {@code asr.stream.max-frame} through Reactor Netty (its own default is 64 KiB), so
     * that the handlers answer a frame over the limit with an error message and 1008; larger ones still end in
     * Netty's 1009 without reading them whole.
     */
    @Bean
    WebFluxConfigurer streamWebSocketService(ObjectProvider<StreamingRecognizer> streams) {
        return new WebFluxConfigurer() {
            @Override
            public WebSocketService getWebSocketService() {
                StreamingRecognizer recognizer = streams.getIfAvailable();
                int maxFrame = (recognizer != null) ? recognizer.settings().maxFrameBytes() : 65_536;
                int nettyLimit = (int) Math.min(Integer.MAX_VALUE - 8, 2L * maxFrame);
                return new HandshakeWebSocketService(new ReactorNettyRequestUpgradeStrategy(
                        () -> WebsocketServerSpec.builder().maxFramePayloadLength(nettyLimit)));
            }
        };
    }

}
