package org.patchbay.sip.internal.ws;

import java.net.InetSocketAddress;
import java.util.Set;

/**
 * What happens to a device's WebSocket connection (RFC 5626 flow), for the registrar and the call legs. Called on Jetty's
 * or the server's timer thread; must not block.
 */
public interface FlowListener {

    /** The connection closed: bindings created over it go at once. */
    void flowClosed(String flow);

    /**
     * The device did not come back within the grace period (no new connection with one of its {@code .invalid} hosts or
     * {@code +sip.instance}s): dialogs on the connection cannot be reached any more.
     *
     * @param flow  the closed connection, {@code ws:ip:port}
     * @param peer  its remote address
     * @param hosts the {@code .invalid} hosts the device used on it
     */
    void flowLost(String flow, InetSocketAddress peer, Set<String> hosts);
}
