package org.patchbay.sip.internal.fakes;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.patchbay.api.identity.Aor;
import org.patchbay.api.identity.Credential;
import org.patchbay.api.identity.DigestAlgorithm;
import org.patchbay.api.identity.Directory;
import org.patchbay.api.identity.DirectoryException;
import org.patchbay.api.identity.User;

/** Users in a map, HA1 per algorithm with the domain as realm, like the real directory. */
public final class FakeDirectory implements Directory {
    private final Map<Aor, String> passwords = new ConcurrentHashMap<>();
    public volatile boolean down;
    public volatile int credentialLookups;

    @Override
    public User create(Aor aor, String password, String displayName) {
        passwords.put(aor, password);
        return new User(aor, displayName == null ? "" : displayName, Instant.now());
    }

    @Override
    public void delete(Aor aor) {
        passwords.remove(aor);
    }

    @Override
    public void setPassword(Aor aor, String password) {
        passwords.put(aor, password);
    }

    @Override
    public Optional<User> find(Aor aor) {
        return passwords.containsKey(aor) ? Optional.of(new User(aor, "", Instant.now())) : Optional.empty();
    }

    @Override
    public List<User> list(String filter) {
        return passwords.keySet().stream().map(a -> new User(a, "", Instant.now())).toList();
    }

    @Override
    public Optional<Credential> credential(Aor aor, String realm, DigestAlgorithm algorithm) {
        credentialLookups++;
        if (down) {
            throw new DirectoryException(DirectoryException.Reason.UNAVAILABLE, "store down");
        }
        String pw = passwords.get(aor);
        if (pw == null || !realm.equals(aor.domain())) {
            return Optional.empty();
        }
        return Optional.of(new Credential(aor, realm, algorithm, ha1(algorithm, aor.user(), realm, pw)));
    }

    @Override
    public int count() {
        return passwords.size();
    }

    public static String ha1(DigestAlgorithm a, String user, String realm, String password) {
        return hex(a, user + ":" + realm + ":" + password);
    }

    public static String hex(DigestAlgorithm a, String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(a.jcaName()).digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
