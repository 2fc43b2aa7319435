package org.patchbay.sip.internal.stack;

import java.net.InetAddress;
import java.util.Locale;
import java.util.function.Consumer;

import gov.nist.javax.sip.stack.ConnectionOrientedMessageChannel;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import gov.nist.javax.sip.stack.TCPMessageProcessor;
import gov.nist.javax.sip.stack.TLSMessageProcessor;

/**
 * The RI's blocking TCP and TLS processors, telling when a connection ends: its reading thread hands the channel back
 * to the processor ({@code remove}) when the peer closes it, it breaks, or the stack closes it. The flow id is the one
 * the registrar stores ({@code tcp:ip:port}), so outbound (RFC 5626) bindings of a dropped connection can go.
 */
final class FlowReportingProcessors {

    private FlowReportingProcessors() {
    }

    static String flow(String transport, ConnectionOrientedMessageChannel ch) {
        return transport.toLowerCase(Locale.ROOT) + ":" + ch.getPeerAddress() + ":" + ch.getPeerPort();
    }

    static final class Tcp extends TCPMessageProcessor {
        private final Consumer<String> closed;

        Tcp(InetAddress address, SIPTransactionStack stack, int port, Consumer<String> closed) {
            super(address, stack, port);
            this.closed = closed;
        }

        @Override
        protected synchronized void remove(ConnectionOrientedMessageChannel ch) {
            super.remove(ch);
            closed.accept(flow("tcp", ch));
        }
    }

    static final class Tls extends TLSMessageProcessor {
        private final Consumer<String> closed;

        Tls(InetAddress address, SIPTransactionStack stack, int port, Consumer<String> closed) {
            super(address, stack, port);
            this.closed = closed;
        }

        @Override
        protected synchronized void remove(ConnectionOrientedMessageChannel ch) {
            super.remove(ch);
            closed.accept(flow("tls", ch));
        }
    }
}
