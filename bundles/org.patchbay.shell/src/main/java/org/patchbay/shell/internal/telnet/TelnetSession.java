package org.patchbay.shell.internal.telnet;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One telnet connection: a read-eval-print loop over a Gogo {@link CommandSession}. Runs on a pool
 * thread of the {@link TelnetServer}; {@link #close()} (from any thread) ends it by closing the socket.
 */
final class TelnetSession implements Runnable, Closeable {
    static final String PROMPT = "pb> ";
    static final String BANNER = "Patchbay console: 'help' lists the commands, 'exit' closes this session.";
    /** Commands of scope pb are found first, so {@code status} means {@code pb:status}. */
    private static final String SCOPE = "pb:gogo:*";

    private static final Logger LOG = LoggerFactory.getLogger(TelnetSession.class);

    private final Socket socket;
    private final CommandProcessor processor;
    private final Duration idleTimeout;
    private final int maxLineBytes;
    private final Consumer<TelnetSession> onEnd;

    TelnetSession(Socket socket, CommandProcessor processor, Duration idleTimeout, int maxLineBytes,
            Consumer<TelnetSession> onEnd) {
        this.socket = socket;
        this.processor = processor;
        this.idleTimeout = idleTimeout;
        this.maxLineBytes = maxLineBytes;
        this.onEnd = onEnd;
    }

    String peer() {
        return String.valueOf(socket.getRemoteSocketAddress());
    }

    @Override
    public void run() {
        try (socket) {
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, idleTimeout.toMillis()));
            NvtOutputStream nvt = new NvtOutputStream(new BufferedOutputStream(socket.getOutputStream()));
            PrintStream out = new PrintStream(nvt, false, StandardCharsets.UTF_8);
            TelnetLineReader reader = new TelnetLineReader(new BufferedInputStream(socket.getInputStream()),
                    nvt::sendCommand, maxLineBytes);
            // The loop owns the socket's input; a command that reads the keyboard sees end of input.
            CommandSession session = processor.createSession(InputStream.nullInputStream(), out, out);
            try {
                session.put("SCOPE", SCOPE);
                out.println(BANNER);
                loop(reader, session, out);
            } finally {
                session.close();
            }
        } catch (IOException e) {
            LOG.debug("telnet session from {} ended: {}", peer(), e.toString());
        } catch (RuntimeException e) {
            // e.g. the command processor is going away while this session starts
            LOG.warn("telnet session from {} failed: {}", peer(), e.toString());
        } finally {
            onEnd.accept(this);
        }
    }

    private void loop(TelnetLineReader reader, CommandSession session, PrintStream out) throws IOException {
        while (true) {
            out.print(PROMPT);
            out.flush();
            String line;
            try {
                line = reader.readLine();
            } catch (TelnetLineReader.LineTooLongException e) {
                out.println(e.getMessage());
                continue;
            } catch (SocketTimeoutException e) {
                out.println();
                out.println("idle for " + describe(idleTimeout) + ", closing the session");
                out.flush();
                return;
            }
            if (line == null) {
                return;
            }
            String command = line.strip();
            if (command.equals("exit") || command.equals("quit")) {
                return;
            }
            if (!command.isEmpty()) {
                execute(session, command, out);
            }
        }
    }

    private static void execute(CommandSession session, String command, PrintStream out) {
        try {
            Object result = session.execute(command);
            session.put("_", result);
            if (result != null && !Boolean.FALSE.equals(session.get(".Gogo.format"))) {
                out.println(session.format(result, Converter.INSPECT));
            }
        } catch (Exception | StackOverflowError e) {
            // as the Gogo console does: one line here, the whole exception in $exception
            session.put("exception", e);
            out.println(oneLine(e));
        }
    }

    static String describe(Duration d) {
        return d.toMinutes() > 0 ? d.toMinutes() + " min" : d.toMillis() + " ms";
    }

    /** The message alone when there is one (CommandFailure, "Command not found: x"), else the class. */
    static String oneLine(Throwable e) {
        String message = e.getMessage();
        String text = message == null || message.isBlank() ? e.getClass().getName() : message;
        int newline = text.indexOf('\n');
        return (newline < 0 ? text : text.substring(0, newline)).replaceAll("\\p{Cntrl}", " ").strip();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            LOG.debug("closing telnet session from {}: {}", peer(), e.toString());
        }
    }
}
