package org.patchbay.shell.internal.telnet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class TelnetLineReaderTest {
    private static final int IAC = 255;
    private static final int SB = 250;
    private static final int SE = 240;
    private static final int WILL = 251;
    private static final int DO = 253;
    private static final int WONT = 252;
    private static final int DONT = 254;

    private final ByteArrayOutputStream replies = new ByteArrayOutputStream();

    private TelnetLineReader reader(InputStream in, int max) {
        return new TelnetLineReader(in, replies::write, max);
    }

    private TelnetLineReader reader(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return reader(new ByteArrayInputStream(b), 64);
    }

    private TelnetLineReader reader(String text) {
        return reader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), 64);
    }

    @Test
    void everyLineEndingEndsALineAndNoneLeaksIntoTheNext() throws IOException {
        TelnetLineReader r = reader("lf\ncrlf\r\ncrnul\r\0lonecr\rlast");
        assertEquals("lf", r.readLine());
        assertEquals("crlf", r.readLine());
        assertEquals("crnul", r.readLine());
        assertEquals("lonecr", r.readLine());
        assertEquals("last", r.readLine());
        assertNull(r.readLine());
    }

    @Test
    void emptyLinesAreLines() throws IOException {
        TelnetLineReader r = reader("\r\n\n\r\nx\n");
        assertEquals("", r.readLine());
        assertEquals("", r.readLine());
        assertEquals("", r.readLine());
        assertEquals("x", r.readLine());
        assertNull(r.readLine());
    }

    @Test
    void negotiationIsStrippedAndRefused() throws IOException {
        // what a telnet client may send: DO SUPPRESS-GO-AHEAD, WILL TERMINAL-TYPE, WONT ECHO, a NAWS
        // subnegotiation (containing an escaped 255) and a NOP, all inside a command
        TelnetLineReader r = reader(IAC, DO, 3, 'p', 'b', IAC, WILL, 24, ':', IAC, WONT, 1,
                's', IAC, SB, 31, 0, 80, IAC, IAC, 24, IAC, SE, 't', IAC, 241, 'a', '\r', '\n');
        assertEquals("pb:sta", r.readLine());
        assertArrayEquals(new byte[] {(byte) IAC, (byte) WONT, 3, (byte) IAC, (byte) DONT, 24}, replies.toByteArray());
    }

    @Test
    void doubledIacIsTheDataByte255() throws IOException {
        TelnetLineReader r = reader('a', IAC, IAC, 'b', '\n');
        // the byte reaches the line (it is not valid UTF-8 on its own, hence the replacement character)
        assertEquals("a\uFFFDb", r.readLine());
        assertEquals(0, replies.size());
    }

    @Test
    void utf8IsDecoded() throws IOException {
        assertEquals("Zoë Müller 電話", reader("Zoë Müller 電話\r\n").readLine());
    }

    @Test
    void tooLongLineIsDiscardedAndTheNextOneIsRead() throws IOException {
        String text = "x".repeat(65) + "\r\nok\r\n" + "y".repeat(64) + "\n";
        TelnetLineReader r = reader(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)), 64);
        TelnetLineReader.LineTooLongException e = assertThrows(TelnetLineReader.LineTooLongException.class, r::readLine);
        assertEquals("line longer than 64 bytes, discarded", e.getMessage());
        assertEquals("ok", r.readLine());
        assertEquals("y".repeat(64), r.readLine());
    }

    @Test
    void ctrlDOnAnEmptyLineEndsTheInput() throws IOException {
        TelnetLineReader r = reader('a', 4, 'b', '\n', 4, 'c', '\n');
        assertEquals("a\u0004b", r.readLine());
        assertNull(r.readLine());
    }

    @Test
    void endOfStreamInsideNegotiationOrAfterAPartialLine() throws IOException {
        assertNull(reader(IAC).readLine());
        assertNull(reader(IAC, DO).readLine());
        assertNull(reader(IAC, SB, 24, 1).readLine());
        TelnetLineReader r = reader("partial");
        assertEquals("partial", r.readLine());
        assertNull(r.readLine());
    }
}
