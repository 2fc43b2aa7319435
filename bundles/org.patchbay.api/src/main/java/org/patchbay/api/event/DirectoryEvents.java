package org.patchbay.api.event;

/**
 * EventAdmin topics posted (asynchronously) by the directory. Property {@link #AOR} carries the
 * address as a string. Handlers must not block.
 */
public final class DirectoryEvents {
    public static final String USER_CREATED = "org/patchbay/directory/USER_CREATED";
    public static final String USER_DELETED = "org/patchbay/directory/USER_DELETED";
    public static final String PASSWORD_CHANGED = "org/patchbay/directory/PASSWORD_CHANGED";
    /** All directory topics, for a handler's {@code event.topics}. */
    public static final String ALL = "org/patchbay/directory/*";

    public static final String AOR = "aor";

    private DirectoryEvents() {
    }
}
