package org.patchbay.api.messaging;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;
import org.patchbay.api.identity.Aor;

/**
 * Pager-mode messaging between users, whatever protocol they use. Implemented by org.patchbay.messaging.
 *
 * <p>{@link #submit} stores a message durably before it returns (an acknowledged message survives a crash) and then
 * delivers it asynchronously to every live binding of the recipient through the {@link MessageDeliverer} of the
 * binding's adapter, exactly once per device, in store order; a recipient with no binding gets it when a device
 * registers. Methods block on the store (milliseconds on the embedded database): do not call them on a media thread.
 * Thread-safe.
 */
@ProviderType
public interface MessageService {

    /**
     * Accepts a message from an authenticated sender. Transient content types (is-composing by default) are relayed to
     * the recipient's live devices only, never stored, and come back with id 0.
     *
     * @throws MessagingException with the reason it was refused; nothing is stored then
     */
    Message submit(Aor from, Aor to, String contentType, byte[] body);

    /** The body types {@link #submit} accepts, e.g. {@code text/*}, {@code message/cpim} (for a protocol's Accept header). */
    List<String> acceptedTypes();

    /** One stored message with its deliveries. */
    Optional<Message> find(long id);

    /**
     * The conversation between two users, newest first: messages either way (IMDN notifications excluded), with ids below
     * {@code beforeId} (0 or less: from the newest), at most {@code limit} (1..500). Page on with the last id returned.
     */
    List<Message> history(Aor a, Aor b, long beforeId, int limit);

    /** The newest messages sent or received by {@code user} (every user's when null), ids below {@code beforeId}, newest first. */
    List<Message> recent(Aor user, long beforeId, int limit);

    /** Messages not delivered to any device yet, oldest first; all recipients when {@code to} is null. At most {@code limit}. */
    List<Message> queued(Aor to, int limit);

    /**
     * A receipt from the recipient's side for a message it got (for adapters whose protocol has its own receipts; IMDN
     * notifications in message/cpim bodies are recognised by {@link #submit} itself).
     *
     * @param recipient the user reporting, i.e. the original message's recipient
     * @param imdnId    the original message's IMDN Message-ID, or its store id in decimal
     * @return true when a message of that recipient with that id was found and updated
     */
    boolean receipt(Aor recipient, String imdnId, MessageStatus status);
}
