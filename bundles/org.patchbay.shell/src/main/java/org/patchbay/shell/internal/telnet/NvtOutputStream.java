package org.patchbay.shell.internal.telnet;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Output to a telnet client: bare LF becomes CR LF (what the NVT expects, and harmless for {@code nc}),
 * a data byte 255 is doubled so it is not read as IAC. {@link #sendCommand} writes telnet commands
 * unchanged. Synchronized, because a background Gogo job may print while the session prompts.
 */
final class NvtOutputStream extends FilterOutputStream {
    private int last = -1;

    NvtOutputStream(OutputStream out) {
        super(out);
    }

    @Override
    public synchronized void write(int b) throws IOException {
        int v = b & 0xFF;
        if (v == '\n' && last != '\r') {
            out.write('\r');
        } else if (v == TelnetLineReader.IAC) {
            out.write(TelnetLineReader.IAC);
        }
        out.write(v);
        last = v;
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        for (int i = off; i < off + len; i++) {
            write(b[i]);
        }
    }

    synchronized void sendCommand(byte[] command) throws IOException {
        out.write(command);
        out.flush();
    }

    @Override
    public synchronized void flush() throws IOException {
        out.flush();
    }
}
