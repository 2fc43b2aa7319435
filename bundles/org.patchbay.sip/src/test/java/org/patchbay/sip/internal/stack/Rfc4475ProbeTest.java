package org.patchbay.sip.internal.stack;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Every RFC 4475 message over UDP and TCP against the bare stack (no handlers): nothing crashes, OPTIONS is answered right
 * after each, no transaction is left. Prints the codes; the e2e Rfc4475IT asserts them per RFC section on the real node.
 */
class Rfc4475ProbeTest {

    static {
        RawSip.quietStack();
    }

    static final Path DIR = Path.of(System.getProperty("rfc4475.dir", "../../itests/e2e/src/test/resources/rfc4475"));

    @Test
    void everyMessageOverUdpAndTcp() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(DIR), "RFC 4475 messages not found in " + DIR);
        int port = RawSip.freePort();
        SipSettings s = SipSettings.parse(Map.of("host", "127.0.0.1", "udp.port", port, "tcp.port", port,
                "tls.enabled", "false", "ws.enabled", "false", "wss.enabled", "false"));
        SipStackRuntime rt = new SipStackRuntime(s, null, new HandlerRegistry(), () -> null);
        rt.start();
        List<String> table = new ArrayList<>();
        try (DatagramSocket client = new DatagramSocket(0, RawSip.LOOPBACK);
                Stream<Path> files = Files.list(DIR)) {
            List<Path> all = files.filter(p -> p.toString().endsWith(".dat"))
                    .filter(p -> p.getFileName().toString().matches(System.getProperty("probe.files", ".*"))).sorted().toList();
            // TCP first, then UDP once every transaction is gone: the messages reuse their branch ids, and a
            // lingering transaction would take the second copy for a retransmission
            for (String transport : List.of(System.getProperty("probe.transports", "tcp,udp").split(","))) {
                for (Path f : all) {
                    byte[] bytes = Files.readAllBytes(f);
                    List<String> r;
                    if (transport.equals("udp")) {
                        // a socket per message: INVITE responses are retransmitted to it until ACKed
                        try (DatagramSocket one = new DatagramSocket(0, RawSip.LOOPBACK)) {
                            r = RawSip.udp(one, port, bytes, 1000);
                        }
                    } else {
                        r = RawSip.tcp(port, bytes, 1000);
                    }
                    table.add(String.format("%-14s %s=%s", f.getFileName(), transport, codes(r)));
                    List<String> ok = RawSip.udp(client, port,
                            RawSip.options("udp", client.getLocalPort(), port).getBytes(UTF_8), 2000);
                    assertEquals(200, RawSip.finalStatus(ok), "OPTIONS after " + f.getFileName() + " " + ok);
                    List<String> okTcp = RawSip.tcp(port, RawSip.options("tcp", 5999, port).getBytes(UTF_8), 2000);
                    assertEquals(200, RawSip.finalStatus(okTcp), "OPTIONS over TCP after " + f.getFileName());
                }
                waitForNoState(rt);
            }
        } finally {
            System.out.println(String.join("\n", table));
            waitForNoState(rt);
            System.out.println("counts " + rt.counts() + " stats " + rt.stats());
            assertTrue(rt.counts().total() == 0, "state left: " + rt.counts());
            rt.stop();
        }
    }

    static void waitForNoState(SipStackRuntime rt) throws InterruptedException {
        long end = System.currentTimeMillis() + 40_000;
        while (rt.counts().total() > 0 && System.currentTimeMillis() < end) {
            Thread.sleep(200);
        }
    }

    static List<String> codes(List<String> responses) {
        return responses.stream().map(r -> r.lines().findFirst().orElse("")).toList();
    }
}
