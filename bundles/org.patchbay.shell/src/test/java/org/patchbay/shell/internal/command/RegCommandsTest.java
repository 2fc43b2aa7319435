package org.patchbay.shell.internal.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.patchbay.api.identity.Aor;
import org.patchbay.api.location.Binding;
import org.patchbay.api.location.LocationService;
import org.patchbay.shell.internal.Gogo;

/** pb:regs as an operator types it, through a real Gogo runtime. */
class RegCommandsTest {
    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

    private final List<Binding> bindings = new ArrayList<>();
    private final RegCommands commands = new RegCommands(Clock.fixed(NOW, ZoneOffset.UTC));
    private final ListLocation location = new ListLocation();
    private Gogo gogo;

    @BeforeEach
    void setUp() {
        commands.bindLocation(location);
        gogo = new Gogo().register("pb", commands, "regs");
    }

    @AfterEach
    void tearDown() {
        gogo.close();
    }

    private void add(String aor, String contact, String transport, String ip, int port, String ua, int seconds) {
        bindings.add(new Binding(Aor.parse(aor), contact, null, 0, "c", 1, "sip", transport, new InetSocketAddress(ip, port),
                null, List.of(), ua, -1, NOW.minusSeconds(10), NOW.plusSeconds(seconds)));
    }

    @Test
    void listsEveryBindingAsATable() throws Exception {
        add("alice@example.com", "sip:alice@10.0.0.5:5062;transport=tcp", "tcp", "203.0.113.9", 40001, "Phone 1.0", 3590);
        add("bob@example.com", "sip:bob@10.0.0.6", "udp", "::1", 5060, "SIPp", 30);
        String out = gogo.run("pb:regs");
        String[] lines = out.split("\n");
        assertTrue(lines[0].matches("AOR +CONTACT +TRANSPORT +SOURCE +USER AGENT +EXPIRES"), lines[0]);
        assertEquals(lines[0].indexOf("CONTACT"), lines[1].indexOf("sip:"), "columns aligned");
        assertTrue(lines[1].matches("alice@example.com +sip:alice@10.0.0.5:5062;transport=tcp +tcp +203.0.113.9:40001 +Phone 1.0 +3590 s"),
                lines[1]);
        assertTrue(lines[2].matches("bob@example.com +sip:bob@10.0.0.6 +udp +\\[0:0:0:0:0:0:0:1\\]:5060 +SIPp +30 s"), lines[2]);
        assertEquals("2 registrations", lines[3]);
    }

    @Test
    void filtersByUser() throws Exception {
        add("alice@example.com", "sip:alice@10.0.0.5", "udp", "10.0.0.5", 5060, "A", 60);
        add("bob@example.com", "sip:bob@10.0.0.6", "udp", "10.0.0.6", 5060, "B\u001b[31m", 60);
        String out = gogo.run("pb:regs BOB");
        assertTrue(out.contains("bob@example.com") && !out.contains("alice"), out);
        assertTrue(!out.contains("\u001b"), "control characters from the User-Agent are neutralised");
        assertEquals("no registrations match 'carol'", gogo.run("pb:regs carol"));
        bindings.clear();
        assertEquals("no registrations", gogo.run("pb:regs"));
    }

    @Test
    void saysWhatIsMissingWithoutTheLocationService() {
        commands.unbindLocation(location);
        Exception e = assertThrows(Exception.class, () -> gogo.run("pb:regs"));
        assertEquals("pb:regs: " + RegCommands.UNAVAILABLE, e.toString());
    }

    private final class ListLocation implements LocationService {
        @Override
        public List<Binding> lookup(Aor aor) {
            return bindings.stream().filter(b -> b.aor().equals(aor)).toList();
        }

        @Override
        public List<Binding> all() {
            return List.copyOf(bindings);
        }

        @Override
        public Binding bind(Binding binding) {
            bindings.add(binding);
            return binding;
        }

        @Override
        public boolean unbind(Aor aor, String contact) {
            return bindings.removeIf(b -> b.aor().equals(aor) && b.contact().equals(contact));
        }

        @Override
        public int unbindAll(Aor aor) {
            return 0;
        }

        @Override
        public int unbindFlow(String flow) {
            return 0;
        }

        @Override
        public int count() {
            return bindings.size();
        }
    }
}
