package org.patchbay.sip.internal.ws;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.sip.address.SipURI;
import javax.sip.header.ContactHeader;
import javax.sip.message.Response;

import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import gov.nist.javax.sip.parser.MessageParser;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.RawMessageChannel;
import gov.nist.javax.sip.stack.SIPClientTransaction;
import gov.nist.javax.sip.stack.SIPTransaction;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import gov.nist.javax.sip.stack.ServerRequestInterface;
import gov.nist.javax.sip.stack.ServerResponseInterface;

/**
 * One SIP-over-WebSocket connection (RFC 7118) as a jain-sip message channel: each text or binary frame is exactly one
 * SIP message, parsed with the stack's parser and handed to the stack the way its TCP channel does; whatever the stack
 * sends on this channel leaves as one text frame (binary when it is not UTF-8). The socket stays Jetty's. A frame of
 * only CRLFs is a keep-alive: a double CRLF is answered with a single one (RFC 5626 §4.4.1).
 */
public final class WsChannel extends MessageChannel implements RawMessageChannel, Session.Listener.AutoDemanding {
    private static final Logger LOG = LoggerFactory.getLogger(WsChannel.class);

    private final WsServer hub;
    private final String transport;
    private volatile Session session;
    private volatile InetSocketAddress peer;
    /** {@code .invalid} hosts the device used in Via and Contact, and its {@code +sip.instance}s: how it is found again. */
    final Set<String> hosts = ConcurrentHashMap.newKeySet();
    final Set<String> instances = ConcurrentHashMap.newKeySet();

    WsChannel(WsMessageProcessor processor, WsServer hub) {
        this.messageProcessor = processor;
        this.hub = hub;
        this.transport = processor.getTransport();
    }

    // --- Jetty side --------------------------------------------------------------------------------------------------

    @Override
    public void onWebSocketOpen(Session s) {
        this.session = s;
        this.peer = s.getRemoteSocketAddress() instanceof InetSocketAddress a ? a
                : new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        hub.opened(this);
    }

    @Override
    public void onWebSocketText(String text) {
        receive(text.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        byte[] bytes = new byte[payload.remaining()];
        payload.get(bytes);
        callback.succeed();
        receive(bytes);
    }

    @Override
    public void onWebSocketClose(int code, String reason) {
        hub.closed(this, code, reason);
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        LOG.debug("SIP WebSocket {}: {}", flow(), cause.toString());
    }

    private void receive(byte[] bytes) {
        if (keepAlive(bytes)) {
            return;
        }
        SIPTransactionStack stack = messageProcessor.getSIPStack();
        SIPMessage message;
        try {
            MessageParser parser = stack.getMessageParserFactory().createMessageParser(stack);
            message = parser.parseSIPMessage(bytes, true, false, null);
        } catch (ParseException | RuntimeException e) {
            LOG.info("SIP WebSocket {}: frame is not a SIP message ({}); dropped", flow(), e.getMessage());
            return;
        }
        if (message == null || message.getFrom() == null || message.getTo() == null || message.getCallId() == null
                || message.getCSeq() == null || message.getViaHeaders() == null || message.getViaHeaders().isEmpty()) {
            LOG.info("SIP WebSocket {}: message without From, To, Call-ID, CSeq or Via; dropped", flow());
            return;
        }
        learn(message);
        try {
            processMessage(message);
        } catch (Exception e) {
            LOG.info("SIP WebSocket {}: {} not processed: {}", flow(), message.getFirstLine().strip(), e.toString());
        }
    }

    /** True for a CRLF keep-alive frame; a double CRLF ping gets a single CRLF pong. */
    private boolean keepAlive(byte[] bytes) {
        if (bytes.length == 0) {
            return true;
        }
        for (byte b : bytes) {
            if (b != '\r' && b != '\n') {
                return false;
            }
        }
        if (bytes.length >= 4) {
            try {
                write("\r\n".getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                LOG.debug("SIP WebSocket {}: keep-alive pong: {}", flow(), e.getMessage());
            }
        }
        return true;
    }

    /** Remembers the device's {@code .invalid} hosts and instance ids, so requests to its Contact find this socket. */
    private void learn(SIPMessage message) {
        Via via = message.getTopmostVia();
        if (via != null && via.getHost() != null) {
            addHost(via.getHost());
        }
        for (Iterator<?> it = message.getHeaders(ContactHeader.NAME); it.hasNext();) {
            if (it.next() instanceof ContactHeader c && c.getAddress() != null) {
                if (c.getAddress().getURI() instanceof SipURI uri) {
                    addHost(uri.getHost());
                }
                String instance = c.getParameter("+sip.instance");
                if (instance != null && !instance.isBlank()) {
                    instances.add(instance.replace("\"", "").strip());
                }
            }
        }
        hub.learned(this);
    }

    private void addHost(String host) {
        if (host != null && host.toLowerCase(Locale.ROOT).endsWith(".invalid")) {
            hosts.add(host.toLowerCase(Locale.ROOT));
        }
    }

    /** What the RI's ConnectionOrientedMessageChannel does with a parsed message, for a socket it does not own. */
    @Override
    public void processMessage(SIPMessage message) throws Exception {
        SIPTransactionStack stack = messageProcessor.getSIPStack();
        InetSocketAddress p = peer;
        message.setRemoteAddress(p.getAddress());
        message.setRemotePort(p.getPort());
        message.setLocalAddress(messageProcessor.getIpAddress());
        message.setLocalPort(getPort());
        message.setPeerPacketSourceAddress(p.getAddress());
        message.setPeerPacketSourcePort(p.getPort());
        if (message instanceof SIPRequest request) {
            // RFC 7118 §5: the Via host is made up (.invalid); received/rport name the real peer
            Via v = request.getTopmostVia();
            v.setParameter(Via.RECEIVED, p.getAddress().getHostAddress());
            v.setParameter(Via.RPORT, Integer.toString(p.getPort()));
            if (!request.getMethod().equalsIgnoreCase(request.getCSeq().getMethod())) {
                write(request.createResponse(Response.BAD_REQUEST, "CSeq method does not match")
                        .encodeAsBytes(transport));
                return;
            }
            ServerRequestInterface sri = stack.newSIPServerRequest(request, this);
            if (sri == null) {
                return;
            }
            try {
                sri.processRequest(request, this);
            } finally {
                if (sri instanceof SIPTransaction tx && !tx.passToListener()) {
                    tx.releaseSem();
                }
            }
        } else if (message instanceof SIPResponse response) {
            try {
                response.checkHeaders();
            } catch (ParseException e) {
                LOG.info("SIP WebSocket {}: malformed response dropped ({})", flow(), e.getMessage());
                return;
            }
            ServerResponseInterface sri = stack.newSIPServerResponse(response, this);
            if (sri == null) {
                return;
            }
            try {
                if (sri instanceof SIPClientTransaction ct && !ct.checkFromTag(response)) {
                    return;
                }
                sri.processResponse(response, this);
            } finally {
                if (sri instanceof SIPTransaction tx && !tx.passToListener()) {
                    tx.releaseSem();
                }
            }
        }
    }

    // --- jain-sip side -----------------------------------------------------------------------------------------------

    @Override
    public void sendMessage(SIPMessage message) throws IOException {
        write(message.encodeAsBytes(transport));
        InetSocketAddress p = peer;
        message.setRemoteAddress(p.getAddress());
        message.setRemotePort(p.getPort());
        message.setLocalAddress(messageProcessor.getIpAddress());
        message.setLocalPort(getPort());
    }

    @Override
    protected void sendMessage(byte[] message, InetAddress receiverAddress, int receiverPort, boolean retry)
            throws IOException {
        write(message);
    }

    /** One SIP message = one frame: text when it is UTF-8 (every SIP message without a binary body), else binary. */
    void write(byte[] bytes) throws IOException {
        Session s = session;
        if (s == null || !s.isOpen()) {
            throw new IOException("WebSocket " + flow() + " is closed");
        }
        Callback done = Callback.from(() -> { }, e -> LOG.debug("SIP WebSocket {}: send failed: {}", flow(), e.toString()));
        String text = utf8(bytes);
        if (text != null) {
            s.sendText(text, done);
        } else {
            s.sendBinary(ByteBuffer.wrap(bytes), done);
        }
    }

    private static String utf8(byte[] bytes) {
        try {
            CharBuffer c = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return c.toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    void ping() {
        Session s = session;
        if (s != null && s.isOpen()) {
            s.sendPing(ByteBuffer.allocate(0), Callback.NOOP);
        }
    }

    void close(int code, String reason) {
        Session s = session;
        if (s != null && s.isOpen()) {
            s.close(code, reason, Callback.NOOP);
        }
    }

    boolean open() {
        Session s = session;
        return s != null && s.isOpen();
    }

    InetSocketAddress peer() {
        return peer;
    }

    /** The registrar's flow id of this connection: {@code ws:ip:port} (as {@code SipExchange.flow()}). */
    public String flow() {
        InetSocketAddress p = peer;
        return transport.toLowerCase(Locale.ROOT) + ":" + (p == null ? "?" : p.getAddress().getHostAddress() + ":"
                + p.getPort());
    }

    /** {@code ip:port} of the peer, the key requests towards it are routed by. */
    String key() {
        InetSocketAddress p = peer;
        return p.getAddress().getHostAddress() + ":" + p.getPort();
    }

    @Override
    public void close() {
        close(1000, "closed");
    }

    @Override
    public SIPTransactionStack getSIPStack() {
        return messageProcessor.getSIPStack();
    }

    @Override
    public String getTransport() {
        return transport;
    }

    @Override
    public boolean isReliable() {
        return true;
    }

    @Override
    public boolean isSecure() {
        return "WSS".equalsIgnoreCase(transport);
    }

    @Override
    public String getPeerAddress() {
        return peer.getAddress().getHostAddress();
    }

    @Override
    protected InetAddress getPeerInetAddress() {
        return peer.getAddress();
    }

    @Override
    protected String getPeerProtocol() {
        return transport;
    }

    @Override
    public int getPeerPort() {
        return peer.getPort();
    }

    @Override
    public int getPeerPacketSourcePort() {
        return peer.getPort();
    }

    @Override
    public InetAddress getPeerPacketSourceAddress() {
        return peer.getAddress();
    }

    @Override
    public String getKey() {
        return MessageChannel.getKey(peer.getAddress(), peer.getPort(), transport);
    }

    @Override
    public String getViaHost() {
        return messageProcessor.getSentBy() == null ? getHost() : messageProcessor.getSentBy().split(":")[0];
    }

    @Override
    public int getViaPort() {
        return messageProcessor.getPort();
    }

    @Override
    public String toString() {
        return "WsChannel[" + flow() + "]";
    }
}
