package org.patchbay.stun.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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
    void portTakenIsRedHealthNamingIt() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            StunComponent c = new StunComponent(config(true, taken.getLocalPort(), "127.0.0.1"));
            try {
                HealthResult h = c.check();
                assertFalse(h.healthy());
                assertTrue(h.detail().contains("cannot bind 127.0.0.1:" + taken.getLocalPort()), h.detail());
                assertEquals(-1, c.udpPort());
            } finally {
                c.deactivate();
            }
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
