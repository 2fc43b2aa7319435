package org.patchbay.http.internal.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;

/** Whether something accepts TCP connections on a port of this machine. */
final class PortProbe {

    private PortProbe() {
    }

    /**
     * The address a local client uses to reach {@code s.host()}: loopback for the wildcard addresses,
     * the literal itself otherwise. A host name is resolved, so call this off the request path.
     */
    static InetAddress target(HttpSettings s) throws UnknownHostException {
        if (s.wildcardHost()) {
            return InetAddress.getByName(s.host().contains(":") ? "::1" : "127.0.0.1");
        }
        return bindAddress(s);
    }

    /**
     * Whether {@code port} on the configured host can be bound, i.e. nobody listens there any more.
     * Used instead of connecting while Jetty shuts down: a connection accepted during the shutdown can
     * be left half-closed by Jetty, leaking a file descriptor.
     */
    static boolean free(HttpSettings s, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(bindAddress(s), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static InetAddress bindAddress(HttpSettings s) throws UnknownHostException {
        String h = s.host();
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return InetAddress.getByName(h);
    }

    static boolean accepts(InetAddress address, int port, int timeoutMillis) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), timeoutMillis);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
