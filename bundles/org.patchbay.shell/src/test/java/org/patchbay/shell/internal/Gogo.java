package org.patchbay.shell.internal;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;

/**
 * A real Gogo runtime (what org.apache.felix.gogo.runtime registers in the node) for unit tests.
 * Starting ThreadIO replaces System.out/err with per-thread streams until {@link #close()}.
 */
public final class Gogo implements AutoCloseable {
    public final CommandProcessorImpl processor;
    private final ThreadIOImpl threadIO = new ThreadIOImpl();
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final CommandSession session;

    public Gogo() {
        threadIO.start();
        processor = new CommandProcessorImpl(threadIO);
        session = processor.createSession(InputStream.nullInputStream(), output, output);
    }

    /** Registers a command object as the gogo runtime does for a service with osgi.command.* properties. */
    public Gogo register(String scope, Object commands, String... functions) {
        for (String f : functions) {
            processor.addCommand(scope, commands, f);
        }
        return this;
    }

    public CommandSession session() {
        return session;
    }

    /** Executes a line and formats its result as the console prints it. */
    public String run(String line) throws Exception {
        Object result = session.execute(line);
        return result == null ? null : session.format(result, Converter.INSPECT).toString();
    }

    /** What commands printed to the session's console. */
    public String printed() {
        session.getConsole().flush();
        return output.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        session.close();
        processor.stop();
        threadIO.stop();
    }
}
