package org.patchbay.itests.e2e.exotel;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay on 127.0.0.1 in front of the node's SIP WebSocket port, to cut a browser's WebSocket at a chosen moment.
 * {@link #cutOnNextChallenge()}: the next server-to-browser chunk carrying {@code SIP/2.0 401} (the node's digest
 * challenge to a REGISTER, i.e. mid-registration) is not delivered and both sockets are closed at once. Server frames
 * are unmasked (RFC 6455), so the SIP text is visible in them. Threads are daemons; {@link #close()} ends everything.
 */
public final class WsCutProxy implements AutoCloseable {
    private final ServerSocket server;
    private final InetSocketAddress target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicBoolean cutNext = new AtomicBoolean();
    private final AtomicInteger cuts = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();

    public WsCutProxy(int targetPort) throws IOException {
        target = new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort);
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::accept, "e2e-ws-cut-proxy");
        t.setDaemon(true);
        t.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Arms the cut: the next challenge from the node ends the connection it is on. */
    public void cutOnNextChallenge() {
        cutNext.set(true);
    }

    /** Connections cut so far. */
    public int cuts() {
        return cuts.get();
    }

    /** Browser connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket in = server.accept();
                Socket out = new Socket();
                out.connect(target, 3000);
                connections.incrementAndGet();
                sockets.add(in);
                sockets.add(out);
                pump(in, out, false);
                pump(out, in, true);
            } catch (IOException e) {
                // closed, or the node is gone: the browser sees its connection fail
            }
        }
    }

    private void pump(Socket from, Socket to, boolean fromServer) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[65536];
            try (from; to) {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buf)) > 0) {
                    if (fromServer && cutNext.get()
                            && new String(buf, 0, n, StandardCharsets.ISO_8859_1).contains("SIP/2.0 401")
                            && cutNext.compareAndSet(true, false)) {
                        cuts.incrementAndGet();
                        return;
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // one side closed: the try closes both
            }
        }, "e2e-ws-cut-pump");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
