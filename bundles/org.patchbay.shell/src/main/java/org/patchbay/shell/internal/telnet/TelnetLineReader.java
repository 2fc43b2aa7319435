package org.patchbay.shell.internal.telnet;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads command lines from a telnet (RFC 854) or raw TCP client such as {@code nc}.
 *
 * <p>Negotiation is stripped: {@code IAC WILL/WONT/DO/DONT x} and {@code IAC SB ... IAC SE} never reach
 * the line, {@code IAC IAC} is a data byte 255. Every option the client offers or asks for is refused
 * ({@code DO x} gets {@code WONT x}, {@code WILL x} gets {@code DONT x}), which keeps the client in its
 * default line mode with local echo. A line ends at LF, CR LF, CR NUL or a lone CR; Ctrl-D (EOT) on an
 * empty line ends the input like end of stream. Not thread-safe: one reader per connection.
 */
final class TelnetLineReader {
    static final int IAC = 255;
    static final int DONT = 254;
    static final int DO = 253;
    static final int WONT = 252;
    static final int WILL = 251;
    static final int SB = 250;
    static final int SE = 240;
    private static final int EOT = 4;
    private static final int LF = '\n';
    private static final int CR = '\r';
    private static final int NUL = 0;

    /** Where option refusals go; the session writes them to the socket. */
    interface Replies {
        void send(byte[] command) throws IOException;
    }

    /** The line was longer than the limit; it has been read to its end and discarded. */
    static final class LineTooLongException extends IOException {
        private static final long serialVersionUID = 1L;

        LineTooLongException(int limit) {
            super("line longer than " + limit + " bytes, discarded");
        }
    }

    private final InputStream in;
    private final Replies replies;
    private final int maxLineBytes;
    private boolean afterCr;

    TelnetLineReader(InputStream in, Replies replies, int maxLineBytes) {
        this.in = in;
        this.replies = replies;
        this.maxLineBytes = maxLineBytes;
    }

    /**
     * @return the next line, decoded as UTF-8 and without its terminator, or null at end of input
     * @throws LineTooLongException when the line exceeded the limit (the next call reads the next line)
     */
    String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        boolean tooLong = false;
        while (true) {
            int b = nextDataByte();
            if (afterCr) {
                // the LF or NUL that telnet sends after CR belongs to the line that has already ended
                afterCr = false;
                if (b == LF || b == NUL) {
                    continue;
                }
            }
            if (b == -1) {
                return line.size() == 0 && !tooLong ? null : finish(line, tooLong);
            }
            if (b == LF || b == CR) {
                afterCr = b == CR;
                return finish(line, tooLong);
            }
            if (b == EOT && line.size() == 0 && !tooLong) {
                return null;
            }
            if (line.size() < maxLineBytes) {
                line.write(b);
            } else {
                tooLong = true;
            }
        }
    }

    private String finish(ByteArrayOutputStream line, boolean tooLong) throws LineTooLongException {
        if (tooLong) {
            throw new LineTooLongException(maxLineBytes);
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    /** The next byte that is data, or -1 at end of input; consumes and answers telnet commands. */
    private int nextDataByte() throws IOException {
        while (true) {
            int b = in.read();
            if (b != IAC) {
                return b;
            }
            int command = in.read();
            switch (command) {
                case -1:
                    return -1;
                case IAC:
                    return IAC;
                case WILL:
                case WONT:
                case DO:
                case DONT:
                    int option = in.read();
                    if (option == -1) {
                        return -1;
                    }
                    refuse(command, option);
                    break;
                case SB:
                    if (!skipSubnegotiation()) {
                        return -1;
                    }
                    break;
                default:
                    // a two-byte command (NOP, AYT, IP, GA, ...): nothing to do for a line console
                    break;
            }
        }
    }

    private void refuse(int command, int option) throws IOException {
        if (command == DO) {
            replies.send(new byte[] {(byte) IAC, (byte) WONT, (byte) option});
        } else if (command == WILL) {
            replies.send(new byte[] {(byte) IAC, (byte) DONT, (byte) option});
        }
    }

    /** Skips to {@code IAC SE}; false at end of input. */
    private boolean skipSubnegotiation() throws IOException {
        boolean iac = false;
        while (true) {
            int b = in.read();
            if (b == -1) {
                return false;
            }
            if (iac && b == SE) {
                return true;
            }
            iac = !iac && b == IAC;
        }
    }
}
