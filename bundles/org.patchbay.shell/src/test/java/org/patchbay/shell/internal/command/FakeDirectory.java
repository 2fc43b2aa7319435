package org.patchbay.shell.internal.command;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.patchbay.api.identity.Aor;
import org.patchbay.api.identity.Credential;
import org.patchbay.api.identity.DigestAlgorithm;
import org.patchbay.api.identity.Directory;
import org.patchbay.api.identity.DirectoryException;
import org.patchbay.api.identity.DirectoryException.Reason;
import org.patchbay.api.identity.User;

/** In-memory directory with the refusals of the real one (its messages, and the "store down" case). */
class FakeDirectory implements Directory {
    final Map<String, User> users = new TreeMap<>();
    final Map<String, String> passwords = new TreeMap<>();
    boolean storeDown;
    /** Simulates a careless implementation that quotes the password in its refusal. */
    boolean echoPassword;

    @Override
    public User create(Aor aor, String password, String displayName) {
        check(aor, password);
        if (users.containsKey(aor.toString())) {
            throw new DirectoryException(Reason.CONFLICT, "user " + aor + " exists");
        }
        User user = new User(aor, displayName == null ? null : displayName.strip(), Instant.parse("2024-05-01T10:00:00Z"));
        users.put(aor.toString(), user);
        passwords.put(aor.toString(), password);
        return user;
    }

    @Override
    public void delete(Aor aor) {
        available();
        if (users.remove(aor.toString()) == null) {
            throw new DirectoryException(Reason.NOT_FOUND, "no user " + aor);
        }
    }

    @Override
    public void setPassword(Aor aor, String password) {
        check(aor, password);
        if (!users.containsKey(aor.toString())) {
            throw new DirectoryException(Reason.NOT_FOUND, "no user " + aor);
        }
        passwords.put(aor.toString(), password);
    }

    private void check(Aor aor, String password) {
        available();
        if (password.length() < 8) {
            throw new IllegalArgumentException(echoPassword
                    ? "password '" + password + "' is too short"
                    : "password must be 8 to 128 characters (got " + password.length() + ")");
        }
    }

    private void available() {
        if (storeDown) {
            throw new DirectoryException(Reason.UNAVAILABLE, "operation failed: store unavailable");
        }
    }

    @Override
    public Optional<User> find(Aor aor) {
        return Optional.ofNullable(users.get(aor.toString()));
    }

    @Override
    public List<User> list(String filter) {
        available();
        List<User> result = new ArrayList<>();
        for (User u : users.values()) {
            String f = filter == null ? "" : filter.toLowerCase();
            if (u.aor().toString().toLowerCase().contains(f) || u.displayName().toLowerCase().contains(f)) {
                result.add(u);
            }
        }
        return result;
    }

    @Override
    public Optional<Credential> credential(Aor aor, String realm, DigestAlgorithm algorithm) {
        return Optional.empty();
    }

    @Override
    public int count() {
        return users.size();
    }
}
