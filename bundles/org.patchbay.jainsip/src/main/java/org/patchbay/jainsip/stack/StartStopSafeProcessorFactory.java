package org.patchbay.jainsip.stack;

import java.io.IOException;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.util.concurrent.LinkedBlockingQueue;

import gov.nist.javax.sip.stack.MessageProcessor;
import gov.nist.javax.sip.stack.OIOMessageProcessorFactory;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import gov.nist.javax.sip.stack.UDPMessageProcessor;

/**
 * Stack property {@code gov.nist.javax.sip.MESSAGE_PROCESSOR_FACTORY=org.patchbay.jainsip.stack.StartStopSafeProcessorFactory}:
 * the RI's processors (blocking TCP/TLS: the RI's NIO TCP loses the first request it sends over a connection it opens),
 * except that UDP survives a stop right after its start, queues a bounded backlog and receives into 16 KB buffers. The RI's UDP processor creates its
 * channel list on its own thread; a stop that comes first (a configuration change during boot, a quick test) throws a
 * NullPointerException half-way through stopping the stack, and the late thread then runs on with an open socket.
 */
public class StartStopSafeProcessorFactory extends OIOMessageProcessorFactory {

    /**
     * Datagrams waiting for a stack thread; beyond this the newest are dropped (the client retransmits). The RI queues
     * without limit, so an overload filled the heap and killed the receiving thread.
     */
    static final int UDP_BACKLOG = 4096;

    /** Receive buffer per datagram. The RI allocates MAX_MESSAGE_SIZE (64 KB) per packet and keeps it while queued. */
    static final int UDP_BUFFER = 16 * 1024;

    @Override
    public MessageProcessor createMessageProcessor(SIPTransactionStack stack, InetAddress address, int port,
            String transport) throws IOException {
        if ("udp".equalsIgnoreCase(transport)) {
            SafeUdpProcessor p = new SafeUdpProcessor(address, stack, port);
            markUdp(stack);
            return p;
        }
        return super.createMessageProcessor(stack, address, port, transport);
    }

    /** What the RI's factory does for UDP; the flag is package-private there. */
    private static void markUdp(SIPTransactionStack stack) {
        try {
            Field f = SIPTransactionStack.class.getDeclaredField("udpFlag");
            f.setAccessible(true);
            f.setBoolean(stack, true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // the flag only tunes UDP timers; the stack works without it
        }
    }

    static final class SafeUdpProcessor extends UDPMessageProcessor {

        private static final long WAIT_NANOS = 2_000_000_000L;

        SafeUdpProcessor(InetAddress address, SIPTransactionStack stack, int port) throws IOException {
            super(address, stack, port);
            this.messageQueue = new LinkedBlockingQueue<>(UDP_BACKLOG);
            limitBuffer(Math.min(stack.getMaxMessageSize() > 0 ? stack.getMaxMessageSize() : UDP_BUFFER, UDP_BUFFER));
        }

        private void limitBuffer(int size) {
            try {
                Field f = UDPMessageProcessor.class.getDeclaredField("maxMessageSize");
                f.setAccessible(true);
                f.setInt(this, size);
            } catch (ReflectiveOperationException | RuntimeException e) {
                // keeps the RI's 64 KB buffers: more memory per queued datagram, nothing else changes
            }
        }

        @Override
        public void stop() {
            long end = System.nanoTime() + WAIT_NANOS;
            while (!started() && System.nanoTime() < end) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            super.stop();
        }

        private synchronized boolean started() {
            return messageChannels != null;
        }
    }
}
