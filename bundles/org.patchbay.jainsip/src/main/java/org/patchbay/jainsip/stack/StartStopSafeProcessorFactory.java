package org.patchbay.jainsip.stack;

import java.io.IOException;
import java.lang.reflect.Field;
import java.net.InetAddress;

import gov.nist.javax.sip.stack.MessageProcessor;
import gov.nist.javax.sip.stack.NioMessageProcessorFactory;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import gov.nist.javax.sip.stack.UDPMessageProcessor;

/**
 * Stack property {@code gov.nist.javax.sip.MESSAGE_PROCESSOR_FACTORY=org.patchbay.jainsip.stack.StartStopSafeProcessorFactory}:
 * the RI's NIO processors, except that UDP survives a stop right after its start. The RI's UDP processor creates its
 * channel list on its own thread; a stop that comes first (a configuration change during boot, a quick test) throws a
 * NullPointerException half-way through stopping the stack, and the late thread then runs on with an open socket.
 */
public class StartStopSafeProcessorFactory extends NioMessageProcessorFactory {

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
