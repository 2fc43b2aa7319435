package org.patchbay.sip.internal.ws;

import java.io.FileInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** A SIP-over-WebSocket client as a browser would be: the JDK's WebSocket with subprotocol {@code sip}. */
final class WsClient implements WebSocket.Listener, AutoCloseable {
    final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    final AtomicInteger pings = new AtomicInteger();
    final AtomicInteger pongs = new AtomicInteger();
    private final StringBuilder partial = new StringBuilder();
    final WebSocket socket;

    private WsClient(HttpClient http, URI uri) throws Exception {
        socket = http.newWebSocketBuilder().subprotocols("sip").connectTimeout(Duration.ofSeconds(5))
                .buildAsync(uri, this).get(10, TimeUnit.SECONDS);
    }

    static WsClient ws(int port) throws Exception {
        return new WsClient(HttpClient.newHttpClient(), URI.create("ws://127.0.0.1:" + port + "/ws"));
    }

    /** wss trusting the node's keystore (its self-signed certificate names 127.0.0.1). */
    static WsClient wss(int port, Path keystore, String password) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(keystore.toFile())) {
            ks.load(in, password.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return new WsClient(HttpClient.newBuilder().sslContext(ssl).build(),
                URI.create("wss://127.0.0.1:" + port + "/ws"));
    }

    static String password(Path passFile) throws Exception {
        return Files.readString(passFile).strip();
    }

    void send(String message) throws Exception {
        socket.sendText(message, true).get(5, TimeUnit.SECONDS);
    }

    /** The next frame, or fails after {@code seconds}. */
    String next(int seconds) throws InterruptedException {
        String f = frames.poll(seconds, TimeUnit.SECONDS);
        if (f == null) {
            throw new AssertionError("no frame within " + seconds + " s");
        }
        return f;
    }

    /** The next frame starting with {@code start} (skipping others, e.g. provisional responses). */
    String next(String start, int seconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            String f = frames.poll(Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())),
                    TimeUnit.MILLISECONDS);
            if (f != null && f.startsWith(start)) {
                return f;
            }
        }
        throw new AssertionError("no frame starting with '" + start + "' within " + seconds + " s");
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(Long.MAX_VALUE);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            frames.add(partial.toString());
            partial.setLength(0);
        }
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        byte[] b = new byte[data.remaining()];
        data.get(b);
        partial.append(new String(b, java.nio.charset.StandardCharsets.UTF_8));
        if (last) {
            frames.add(partial.toString());
            partial.setLength(0);
        }
        return null;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
        pings.incrementAndGet();
        return WebSocket.Listener.super.onPing(webSocket, message);
    }

    @Override
    public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
        pongs.incrementAndGet();
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.complete(-1);
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
        socket.abort();
    }
}
