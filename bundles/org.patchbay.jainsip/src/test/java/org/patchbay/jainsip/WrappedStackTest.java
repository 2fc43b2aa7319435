package org.patchbay.jainsip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import javax.sip.ListeningPoint;
import javax.sip.SipFactory;
import javax.sip.SipStack;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;

import org.junit.jupiter.api.Test;
import org.patchbay.jainsip.logging.Slf4jStackLogger;
import org.patchbay.jainsip.parser.StrictMessageParser;

/** The RI runs with this bundle's logger and without log4j; the strict parser marks what the RI lets through. */
class WrappedStackTest {

    @Test
    void log4jIsNotOnTheClassPath() {
        assertThrows(ClassNotFoundException.class, () -> Class.forName("org.apache.log4j.Logger"));
    }

    @Test
    void aStackStartsListensAndStopsWithTheSlf4jLoggerAtOnce() throws Exception {
        // stop right after start: the RI's UDP processor alone throws a NullPointerException here now and then
        for (int i = 0; i < 5; i++) {
            aStackStartsListensAndStopsWithTheSlf4jLogger();
        }
    }

    @Test
    void aStackStartsListensAndStopsWithTheSlf4jLogger() throws Exception {
        SipFactory factory = SipFactory.getInstance();
        factory.setPathName("gov.nist");
        Properties p = new Properties();
        p.setProperty("javax.sip.STACK_NAME", "wrapped-test");
        p.setProperty("gov.nist.javax.sip.STACK_LOGGER", Slf4jStackLogger.class.getName());
        p.setProperty("gov.nist.javax.sip.MESSAGE_PROCESSOR_FACTORY",
                "org.patchbay.jainsip.stack.StartStopSafeProcessorFactory");
        p.setProperty("gov.nist.javax.sip.MESSAGE_PARSER_FACTORY",
                "org.patchbay.jainsip.parser.StrictMessageParserFactory");
        SipStack stack = factory.createSipStack(p);
        try {
            ListeningPoint lp = stack.createListeningPoint("127.0.0.1", freeUdpPort(), "udp");
            stack.createSipProvider(lp);
            stack.start();
            assertTrue(lp.getPort() > 0);
            stack.stop();
        } finally {
            factory.resetFactory();
        }
    }

    @Test
    void routineTlsWarningsAreNotWarnings() {
        assertTrue(Slf4jStackLogger.isRoutine("using default tls security policy"));
        assertTrue(Slf4jStackLogger.isRoutine("TLS server settings will be inactive - TLS key store will use JVM defaults"));
        assertFalse(Slf4jStackLogger.isRoutine("Could not create a message channel"));
        assertFalse(Slf4jStackLogger.isRoutine(null));
    }

    @Test
    void strictParserMarksOtherVersionsRepeatsAndMissingHeaders() throws Exception {
        String base = "OPTIONS sip:a@example.com SIP/%s\r\nVia: SIP/2.0/UDP h.example.com;branch=z9hG4bK1\r\n"
                + "From: <sip:b@example.com>;tag=1\r\nTo: <sip:a@example.com>\r\nCall-ID: x1\r\nCSeq: 1 OPTIONS\r\n"
                + "%sContent-Length: 0\r\n\r\n";
        assertEquals(List.of(), markers(String.format(base, "2.0", "")));
        assertEquals(List.of("Patchbay-Malformed: version SIP/7.0"), markers(String.format(base, "7.0", "")));
        assertEquals(List.of("Patchbay-Malformed: repeated to"),
                markers(String.format(base, "2.0", "t: <sip:other@example.net>\r\n")));
        assertEquals(List.of("Patchbay-Malformed: repeated content-length"),
                markers(String.format(base, "2.0", "l: 0\r\n")));
        String insuf = "INVITE sip:a@example.com SIP/2.0\r\nVia: SIP/2.0/UDP h.example.com;branch=z9hG4bK2\r\n"
                + "CSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
        assertEquals(List.of("Patchbay-Malformed: missing Call-ID From To"), markers(insuf));
    }

    private static List<String> markers(String text) throws Exception {
        SIPMessage m = new StrictMessageParser().parseSIPMessage(text.getBytes(StandardCharsets.UTF_8), true, false, null);
        assertTrue(m instanceof SIPRequest);
        List<String> out = new ArrayList<>();
        m.getUnrecognizedHeaders().forEachRemaining(h -> {
            if (h.startsWith(StrictMessageParser.MARKER)) {
                out.add(h);
            }
        });
        return out;
    }

    private static int freeUdpPort() throws Exception {
        try (java.net.DatagramSocket s = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
