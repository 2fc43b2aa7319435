package org.patchbay.shell.internal.command;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

import org.patchbay.api.identity.User;

/** What {@code pb:users} returns: the users, printed as a table ({@code (pb:users) users} gives the list). */
public record UserTable(String filter, List<User> users) {
    private static final DateTimeFormatter CREATED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);

    public UserTable {
        users = List.copyOf(users);
    }

    @Override
    public String toString() {
        if (users.isEmpty()) {
            return filter == null ? "no users" : "no users match '" + TextTable.oneLine(filter) + "'";
        }
        TextTable table = new TextTable("ADDRESS", "CREATED", "DISPLAY NAME");
        for (User u : users) {
            table.row(u.aor(), CREATED.format(u.created()), u.displayName());
        }
        return table + "\n" + users.size() + (users.size() == 1 ? " user" : " users");
    }
}
