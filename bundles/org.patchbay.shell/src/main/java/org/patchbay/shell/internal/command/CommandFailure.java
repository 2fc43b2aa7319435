package org.patchbay.shell.internal.command;

/**
 * A command refused its arguments or could not do its work. The message is the one line the operator
 * sees, e.g. {@code pb:useradd: user alice@example.com exists}.
 *
 * <p>The Gogo JLine console prints a failed command as {@code exception.toString()} (in red) and keeps
 * the exception in {@code $exception}; the telnet console prints the message. {@link #toString()} is
 * therefore the bare message, so both show exactly that line and no class name or stack trace.
 */
public final class CommandFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CommandFailure(String command, String problem) {
        this(command, problem, null);
    }

    public CommandFailure(String command, String problem, Throwable cause) {
        // no stack trace: this is an answer to the operator, not a fault to debug
        super(command + ": " + problem, cause, false, false);
    }

    @Override
    public String toString() {
        return getMessage();
    }
}
