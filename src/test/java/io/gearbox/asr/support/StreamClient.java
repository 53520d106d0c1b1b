package io.gearbox.asr.support;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;

/**
 * A {@code /v1/stream} and {@code /v1/realtime} client over Reactor Netty's WebSocket client, for tests and
 * benchmarks: sends a script of text and binary messages (optionally paced), and records every message the service
 * sends with the time it arrived, and the close status.
 */
public final class StreamClient {

    private StreamClient() {
    }

    /**
     * @param samples mono samples, full scale 1.0
     * @return them as little-endian signed 16-bit PCM
     */
    public static byte[] pcm16(float[] samples) {
        ByteBuffer bytes = ByteBuffer.allocate(samples.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float sample : samples) {
            bytes.putShort((short) Math.max(-32768, Math.min(32767, Math.round(sample * 32767f))));
        }
        return bytes.array();
    }

    /**
     * @param pcm the audio's bytes
     * @param chunkBytes bytes per message
     * @return the audio cut into messages of that size (the last may be shorter)
     */
    public static List<Message> chunks(byte[] pcm, int chunkBytes) {
        List<Message> messages = new ArrayList<>();
        for (int from = 0; from < pcm.length; from += chunkBytes) {
            byte[] chunk = new byte[Math.min(chunkBytes, pcm.length - from)];
            System.arraycopy(pcm, from, chunk, 0, chunk.length);
            messages.add(Message.binary(chunk));
        }
        return messages;
    }

    /**
     * Runs a script and waits for the service to close the connection.
     * @param uri the endpoint, such as {@code ws://localhost:8080/v1/stream}
     * @param script the messages to send, in order
     * @param pace the wait between messages ({@link Duration#ZERO} for none)
     * @param timeout how long to wait for the close
     * @return what the service sent
     */
    public static Transcript run(URI uri, List<Message> script, Duration pace, Duration timeout) {
        long startedAt = System.nanoTime();
        List<Received> received = new CopyOnWriteArrayList<>();
        List<Long> sentAt = new CopyOnWriteArrayList<>();
        AtomicReference<WebSocketCloseStatus> close = new AtomicReference<>();
        HttpClient.create()
            .websocket(WebsocketClientSpec.builder().maxFramePayloadLength(16 << 20).build())
            .uri(uri)
            .handle((in, out) -> {
                in.receiveCloseStatus().subscribe(close::set);
                Flux<WebSocketFrame> frames = Flux.fromIterable(script).map((message) -> {
                    sentAt.add(System.nanoTime() - startedAt);
                    return message.frame();
                });
                if (!pace.isZero()) {
                    frames = Flux.fromIterable(script)
                        .delayElements(pace)
                        .map((message) -> {
                            sentAt.add(System.nanoTime() - startedAt);
                            return message.frame();
                        });
                }
                Mono<Void> sending = out.sendObject(frames).then().onErrorResume((ex) -> Mono.empty());
                Mono<Void> receiving = in.aggregateFrames()
                    .receive()
                    .asString()
                    .doOnNext((text) -> received.add(new Received(System.nanoTime() - startedAt, text)))
                    .then();
                return Mono.when(sending, receiving);
            })
            .then()
            .onErrorResume((ex) -> Mono.empty())
            .block(timeout);
        return new Transcript(List.copyOf(received), List.copyOf(sentAt), close.get());
    }

    /**
     * Runs a script and reads the service's messages until it closes or until they are {@code enough}, when the
     * client closes with 1000: for protocols whose sessions go on after an answer (OpenAI's Realtime).
     * @param uri the endpoint, such as {@code ws://localhost:8080/v1/realtime}
     * @param script the messages to send, in order, at once
     * @param enough given the messages so far, whether to stop
     * @param timeout how long to wait
     * @return what the service sent; {@link Transcript#close()} is the service's close status if it closed first
     */
    public static Transcript converse(URI uri, List<Message> script, Predicate<List<String>> enough,
            Duration timeout) {
        long startedAt = System.nanoTime();
        List<Received> received = new CopyOnWriteArrayList<>();
        List<String> texts = new CopyOnWriteArrayList<>();
        AtomicReference<WebSocketCloseStatus> close = new AtomicReference<>();
        AtomicBoolean satisfied = new AtomicBoolean();
        HttpClient.create()
            .websocket(WebsocketClientSpec.builder().maxFramePayloadLength(16 << 20).build())
            .uri(uri)
            .handle((in, out) -> {
                in.receiveCloseStatus().subscribe((status) -> {
                    if (!satisfied.get()) {
                        close.set(status);
                    }
                });
                Mono<Void> sending = out.sendObject(Flux.fromIterable(script).map(Message::frame))
                    .then()
                    .onErrorResume((ex) -> Mono.empty());
                Mono<Void> receiving = in.aggregateFrames()
                    .receive()
                    .asString()
                    .doOnNext((text) -> {
                        received.add(new Received(System.nanoTime() - startedAt, text));
                        texts.add(text);
                    })
                    .takeUntil((text) -> {
                        // Set before takeUntil cancels the inbound, which closes the connection from this side.
                        boolean done = enough.test(List.copyOf(texts));
                        satisfied.compareAndSet(false, done);
                        return done;
                    })
                    .then(Mono.defer(() -> satisfied.get() ? out.sendClose(1000, "done") : Mono.empty()));
                return Mono.when(sending, receiving);
            })
            .then()
            .onErrorResume((ex) -> Mono.empty())
            .block(timeout);
        return new Transcript(List.copyOf(received), List.of(), close.get());
    }

    /**
     * Opens a stream, sends a script, and drops the connection without a close handshake, at once.
     * @param uri the endpoint
     * @param script what to send before dropping
     * @param timeout how long to wait for the connection
     */
    public static void drop(URI uri, List<Message> script, Duration timeout) {
        HttpClient.create()
            .websocket()
            .uri(uri)
            .connect()
            .flatMap((connection) -> connection.outbound()
                .sendObject(Flux.fromIterable(script).map(Message::frame))
                .then()
                .onErrorResume((ex) -> Mono.empty())
                .then(Mono.fromRunnable(() -> connection.channel().close())))
            .onErrorResume((ex) -> Mono.empty())
            .block(timeout);
    }

    /** One message to send. */
    public record Message(String text, byte[] bytes) {

        public static Message text(String text) {
            return new Message(text, null);
        }

        public static Message binary(byte[] bytes) {
            return new Message(null, bytes);
        }

        WebSocketFrame frame() {
            return (this.text != null) ? new TextWebSocketFrame(this.text)
                    : new BinaryWebSocketFrame(Unpooled.wrappedBuffer(this.bytes));
        }

    }

    /**
     * A message from the service.
     * @param atNanos when it arrived, from the start of the run
     * @param text its text
     */
    public record Received(long atNanos, String text) {
    }

    /**
     * @param messages what the service sent, in order
     * @param sentAtNanos when each scripted message was sent, from the start of the run
     * @param close the close status the service sent, or {@code null} if none arrived
     */
    public record Transcript(List<Received> messages, List<Long> sentAtNanos, WebSocketCloseStatus close) {

        /** @return the close code, or -1 */
        public int closeCode() {
            return (this.close != null) ? this.close.code() : -1;
        }

    }

}
