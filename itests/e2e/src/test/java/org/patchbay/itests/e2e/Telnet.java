package org.patchbay.itests.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A line client for the node's telnet console: sends a command, returns what came before the next prompt. */
final class Telnet implements AutoCloseable {

    static final String PROMPT = "pb> ";

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    Telnet(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 3000);
        socket.setSoTimeout(10_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
        readToPrompt();
    }

    String run(String command) throws IOException {
        out.write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        return readToPrompt().strip();
    }

    private String readToPrompt() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                return buf.toString(StandardCharsets.UTF_8);
            }
            if (b == 0xFF) { // telnet IAC: skip the command and its option byte
                int cmd = in.read();
                if (cmd >= 0xFB && cmd <= 0xFE) {
                    in.read();
                }
                continue;
            }
            buf.write(b);
            String s = buf.toString(StandardCharsets.UTF_8);
            if (s.endsWith(PROMPT)) {
                return s.substring(0, s.length() - PROMPT.length());
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
