package org.patchbay.api.identity;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Users and their digest credentials. Implemented by the node (org.patchbay.core).
 *
 * <p>Every method blocks on the store (milliseconds on the embedded database); do not call it on a
 * media or transport I/O thread. Every mutation is atomic: it is applied completely or not at all,
 * and an acknowledged mutation is durable. Failures are {@link DirectoryException}s with a reason.
 * The realm of a user's credentials is the user's domain; domains are created on first use.
 */
@ProviderType
public interface Directory {

    /** Creates a user with credentials for every {@link DigestAlgorithm}. */
    User create(Aor aor, String password, String displayName);

    /** Deletes a user and its credentials. */
    void delete(Aor aor);

    /** Replaces every credential of a user. */
    void setPassword(Aor aor, String password);

    Optional<User> find(Aor aor);

    /**
     * Users whose address or display name contains {@code filter} (case-insensitive), ordered by
     * address; all users when the filter is null or blank.
     */
    List<User> list(String filter);

    /** The credential of a user for a realm and algorithm, if there is one. */
    Optional<Credential> credential(Aor aor, String realm, DigestAlgorithm algorithm);

    /** Number of users. */
    int count();
}
