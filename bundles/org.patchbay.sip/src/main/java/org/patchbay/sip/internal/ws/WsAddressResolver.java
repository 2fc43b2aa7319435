package org.patchbay.sip.internal.ws;

import java.util.Locale;

import javax.sip.address.Hop;

import gov.nist.core.net.AddressResolver;
import gov.nist.javax.sip.stack.HopImpl;
import gov.nist.javax.sip.stack.MessageProcessor;

/**
 * The stack's address resolver: a next hop on a device's made-up {@code .invalid} host (RFC 7118 §5: a WebSocket
 * client's Contact) becomes the address of the connection that device uses now, over that connection's transport.
 * The RI resolves some hops with {@code InetAddress.getByName} (the ACK of a 2xx, for one), which an {@code .invalid}
 * name never survives. Every other hop as the RI's default resolver does: the transport's default port when none.
 */
public final class WsAddressResolver implements AddressResolver {

    private final WsServer server;

    public WsAddressResolver(WsServer server) {
        this.server = server;
    }

    @Override
    public Hop resolveAddress(Hop hop) {
        String host = hop.getHost();
        if (host != null && host.toLowerCase(Locale.ROOT).endsWith(".invalid")) {
            WsChannel c = server.find(host, hop.getPort());
            if (c != null) {
                return new HopImpl(c.getPeerAddress(), c.getPeerPort(), c.getTransport());
            }
        }
        if (hop.getPort() != -1) {
            return hop;
        }
        return new HopImpl(hop.getHost(), MessageProcessor.getDefaultPort(hop.getTransport()), hop.getTransport());
    }
}
