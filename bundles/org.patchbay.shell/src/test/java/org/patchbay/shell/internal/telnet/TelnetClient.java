package org.patchbay.shell.internal.telnet;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** What {@code nc 127.0.0.1 6666} does, with a read timeout so that a broken server fails the test. */
final class TelnetClient implements AutoCloseable {
    final Socket socket = new Socket();
    private final InputStream in;
    private final OutputStream out;

    TelnetClient(InetSocketAddress address) throws IOException {
        socket.connect(address, 5_000);
        socket.setSoTimeout(5_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** Reads up to the next prompt; returns what came before it, CR LF turned into LF. */
    String untilPrompt() throws IOException {
        return until(TelnetSession.PROMPT);
    }

    String until(String end) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        while (!buf.toString(StandardCharsets.UTF_8).endsWith(end)) {
            int b = in.read();
            if (b == -1) {
                throw new IOException("end of stream after '" + buf.toString(StandardCharsets.UTF_8) + "'");
            }
            buf.write(b);
        }
        String text = buf.toString(StandardCharsets.UTF_8);
        assertFalse(text.replace("\r\n", "").contains("\n"), "bare LF in " + text);
        return text.substring(0, text.length() - end.length()).replace("\r\n", "\n");
    }

    /** Everything up to end of stream; fails (timeout) when the server keeps the connection open. */
    String rest() throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n");
    }

    void send(String line) throws IOException {
        send(line.getBytes(StandardCharsets.UTF_8));
        send(new byte[] {'\r', '\n'});
    }

    void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Sends a command and returns its output. */
    String run(String line) throws IOException {
        send(line);
        return untilPrompt();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
