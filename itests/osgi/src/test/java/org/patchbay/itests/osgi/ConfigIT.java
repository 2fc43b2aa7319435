package org.patchbay.itests.osgi;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;

/** conf/ is live: a valid change applies without restart, an invalid one is refused with one clear line. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ConfigIT {

    @Inject
    private BundleContext context;

    @Configuration
    public Option[] config() {
        return NodeOptions.node("config");
    }

    @Test
    public void httpPortChangeAppliesLiveAndBadValuesKeepThePreviousOne() throws Exception {
        new Node(context).awaitHealthy(30_000);
        Path conf = Path.of(context.getProperty("patchbay.itest.conf"), "org.patchbay.http.cfg");
        int first = Integer.parseInt(context.getProperty("patchbay.itest.http"));
        assertEquals(200, Node.get(first, "/health").status());

        int second = NodeOptions.freePort();
        NodeOptions.write(conf, Map.of("host", "127.0.0.1", "port", "" + second, "https.enabled", "false"));
        assertTrue("HTTP moved to " + second, Node.waitFor(10_000, () -> Node.answers(second)));
        assertTrue("old port " + first + " closed", Node.waitFor(5_000, () -> !Node.answers(first)));

        NodeOptions.write(conf, Map.of("host", "127.0.0.1", "port", "80x", "https.enabled", "false", "prot", "1"));
        assertTrue("the bad key is named in the log",
                Node.waitFor(10_000, () -> log().contains("org.patchbay.http.cfg: key 'port': '80x' is not an integer")));
        assertTrue("the unknown key is named in the log",
                Node.waitFor(10_000, () -> log().contains("org.patchbay.http.cfg: unknown key 'prot'")));
        assertTrue("still serving on " + second, Node.answers(second));
        assertEquals(200, Node.get(second, "/health").status());

        NodeOptions.write(conf, Map.of("host", "127.0.0.1", "port", "70000", "https.enabled", "false"));
        assertTrue("an out-of-range port is refused",
                Node.waitFor(10_000, () -> log().contains("org.patchbay.http.cfg: key 'port': '70000'")));
        assertTrue("still serving on " + second, Node.answers(second));
        assertFalse(log().contains("Exception in thread"));
    }

    private String log() {
        try {
            return Files.readString(Path.of(context.getProperty("patchbay.itest.log")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
