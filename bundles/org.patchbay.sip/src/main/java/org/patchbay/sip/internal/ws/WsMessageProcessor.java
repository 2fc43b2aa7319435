package org.patchbay.sip.internal.ws;

import java.io.IOException;
import java.net.InetAddress;

import gov.nist.core.HostPort;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.MessageProcessor;
import gov.nist.javax.sip.stack.SIPTransactionStack;

/**
 * The jain-sip side of one WebSocket transport (WS or WSS). It opens no socket: connections are accepted by the
 * {@link WsServer} (Jetty) and become {@link WsChannel}s. A channel "to" a peer is the live connection the device opened
 * (found by its address and port, by the connection that replaced it, or by the {@code .invalid} host it uses); a node
 * never connects out to a WebSocket client, so there is nothing to create when none is found.
 */
public final class WsMessageProcessor extends MessageProcessor {

    private final WsServer hub;

    public WsMessageProcessor(InetAddress address, int port, String transport, SIPTransactionStack stack, WsServer hub) {
        super(address, port, transport, stack);
        this.hub = hub;
    }

    @Override
    public SIPTransactionStack getSIPStack() {
        return sipStack;
    }

    @Override
    public MessageChannel createMessageChannel(HostPort target) throws IOException {
        String host = target.getHost() == null ? null : target.getHost().getHostname();
        return find(host, target.getPort());
    }

    @Override
    public MessageChannel createMessageChannel(InetAddress host, int port) throws IOException {
        return find(host.getHostAddress(), port);
    }

    private MessageChannel find(String host, int port) throws IOException {
        WsChannel c = hub.find(host, port);
        if (c == null) {
            throw new IOException("no WebSocket connection from " + host + ":" + port);
        }
        return c;
    }

    @Override
    public void start() {
        hub.attach(this);
    }

    @Override
    public void stop() {
        hub.detach(this);
    }

    @Override
    public int getDefaultTargetPort() {
        return isSecure() ? 443 : 80;
    }

    @Override
    public boolean isSecure() {
        return "WSS".equalsIgnoreCase(getTransport());
    }

    @Override
    public int getMaximumMessageSize() {
        return hub.maxFrame();
    }

    @Override
    public boolean inUse() {
        return hub.connections(getTransport()) > 0;
    }
}
