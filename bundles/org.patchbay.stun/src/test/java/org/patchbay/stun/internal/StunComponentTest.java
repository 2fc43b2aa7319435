package org.patchbay.stun.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.patchbay.api.health.HealthResult;

/** The component: health and {@code pb:stun} when listening, when the port is taken, when disabled. */
class StunComponentTest {

    @Test
    void listensAnswersAndCountsInHealthAndShell() throws Exception {
        StunComponent c = new StunComponent(config(true, 0, "127.0.0.1"));
        try (DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            assertTrue(c.udpPort() > 0);
            byte[] resp = StunServerTest.exchange(client, StunServerTest.request(StunServerTest.tid()),
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), c.udpPort()));
            assertNotNull(resp);
            HealthResult h = c.check();
            assertTrue(h.healthy(), h.detail());
            assertTrue(h.detail().contains("answered 1"), h.detail());
            assertTrue(c.stun().contains("udp 127.0.0.1:" + c.udpPort()), c.stun());
        } finally {
            c.deactivate();
        }
    }

    @Test
    void udpPortTakenIsDegradedNotDownAndRecoversOnceFreed() throws Exception {
        DatagramSocket taken = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        int port = taken.getLocalPort();
        StunComponent c = new StunComponent(config(true, port, "127.0.0.1"), 100);
        try {
            HealthResult h = c.check();
            assertTrue(h.healthy(), "a taken port must not keep the node from becoming ready: " + h);
            assertTrue(h.degraded(), h.toString());
            assertTrue(h.detail().contains("not serving: cannot bind 127.0.0.1:" + port + " (UDP: "), h.detail());
            assertTrue(c.stun().contains("not serving"), c.stun());
            assertEquals(-1, c.udpPort());
            Thread.sleep(300); // a few retries while the port is still taken change nothing
            assertEquals(-1, c.udpPort());
            assertTrue(c.check().degraded());

            taken.close();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (c.udpPort() != port && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            assertEquals(port, c.udpPort(), "bound once the port was free");
            try (DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                assertNotNull(StunServerTest.exchange(client, StunServerTest.request(StunServerTest.tid()),
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));
            }
            h = c.check();
            assertTrue(h.healthy() && !h.degraded(), h.toString());
        } finally {
            c.deactivate();
            taken.close();
        }
    }

    @Test
    void tcpPortTakenNamesTcp() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            StunComponent c = new StunComponent(config(true, taken.getLocalPort(), "127.0.0.1"), 60_000);
            try {
                HealthResult h = c.check();
                assertTrue(h.healthy() && h.degraded(), h.toString());
                assertTrue(h.detail().contains(":" + taken.getLocalPort() + " (TCP: "), h.detail());
                assertEquals(-1, c.udpPort(), "UDP is not left bound without TCP");
            } finally {
                c.deactivate();
            }
        }
    }

    @Test
    void invalidPortIsDown() {
        StunComponent c = new StunComponent(config(true, 70000, "127.0.0.1"));
        try {
            assertFalse(c.check().healthy());
            assertTrue(c.check().detail().contains("invalid configuration 127.0.0.1:70000"), c.check().detail());
        } finally {
            c.deactivate();
        }
    }

    @Test
    void disabledIsGreenAndBindsNothing() {
        StunComponent c = new StunComponent(config(false, 0, ""));
        assertTrue(c.check().healthy());
        assertEquals("disabled", c.check().detail());
        assertEquals("stun: disabled", c.stun());
        c.deactivate();
    }

    static StunComponent.Config config(boolean enabled, int port, String address) {
        return new StunComponent.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return StunComponent.Config.class;
            }

            @Override
            public boolean enabled() {
                return enabled;
            }

            @Override
            public int port() {
                return port;
            }

            @Override
            public String address() {
                return address;
            }

            @Override
            public boolean tcp() {
                return true;
            }

            @Override
            public int rate_per_second() {
                return 20;
            }

            @Override
            public String software() {
                return "Patchbay";
            }
        };
    }
}
