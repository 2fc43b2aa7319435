package org.patchbay.messaging.internal.shell;

/** A command's one-line refusal; {@link #toString()} is the bare message, so consoles print just that line. */
public final class CommandFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CommandFailure(String command, String problem) {
        super(command + ": " + problem, null, false, false);
    }

    @Override
    public String toString() {
        return getMessage();
    }
}
