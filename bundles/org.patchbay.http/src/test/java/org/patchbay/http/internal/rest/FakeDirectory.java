package org.patchbay.http.internal.rest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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

/** An in-memory directory with the refusals of the real one: short passwords, duplicates, unknown users. */
final class FakeDirectory implements Directory {

    final Map<String, User> users = new TreeMap<>();
    final Map<String, String> passwords = new TreeMap<>();
    boolean unavailable;
    RuntimeException failure;

    @Override
    public User create(Aor aor, String password, String displayName) {
        check(password);
        if (users.containsKey(aor.toString())) {
            throw new DirectoryException(Reason.CONFLICT, "user " + aor + " already exists");
        }
        User u = new User(aor, displayName, Instant.parse("2026-01-02T03:04:05Z"));
        users.put(aor.toString(), u);
        passwords.put(aor.toString(), password);
        return u;
    }

    @Override
    public void delete(Aor aor) {
        up();
        if (users.remove(aor.toString()) == null) {
            throw new DirectoryException(Reason.NOT_FOUND, "no user " + aor);
        }
    }

    @Override
    public void setPassword(Aor aor, String password) {
        check(password);
        if (!users.containsKey(aor.toString())) {
            throw new DirectoryException(Reason.NOT_FOUND, "no user " + aor);
        }
        passwords.put(aor.toString(), password);
    }

    @Override
    public Optional<User> find(Aor aor) {
        up();
        return Optional.ofNullable(users.get(aor.toString()));
    }

    @Override
    public List<User> list(String filter) {
        up();
        List<User> out = new ArrayList<>();
        for (User u : users.values()) {
            if (filter == null || filter.isBlank()
                    || (u.aor() + " " + u.displayName()).toLowerCase(Locale.ROOT).contains(filter.toLowerCase(Locale.ROOT))) {
                out.add(u);
            }
        }
        return out;
    }

    @Override
    public Optional<Credential> credential(Aor aor, String realm, DigestAlgorithm algorithm) {
        throw new UnsupportedOperationException();
    }

    @Override
    public int count() {
        return users.size();
    }

    private void check(String password) {
        up();
        if (password.length() < 8) {
            throw new DirectoryException(Reason.INVALID, "password too short: use at least 8 characters");
        }
    }

    private void up() {
        if (failure != null) {
            throw failure;
        }
        if (unavailable) {
            throw new DirectoryException(Reason.UNAVAILABLE, "the store is not reachable");
        }
    }
}
