package org.patchbay.api.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.patchbay.api.identity.Aor;

/**
 * A message from one user to another as the node stored it. Immutable; {@link #body()} returns a copy.
 *
 * @param id          the store's id, increasing in store order (0 for a message that is relayed but never stored, such as
 *                    is-composing)
 * @param from        the authenticated sender
 * @param to          the recipient
 * @param contentType the body's MIME type with parameters, e.g. {@code text/plain;charset=UTF-8} or {@code message/cpim}
 * @param created     when the node accepted it
 * @param status      the message's overall status
 * @param imdnId      the IMDN {@code Message-ID} (RFC 5438) the sender's client gave it, or null
 * @param dispositions IMDN dispositions the sender asked for ({@code positive-delivery}, {@code display} ...), empty when none
 * @param deliveries  one entry per device the node tried, in no particular order
 */
public record Message(long id, Aor from, Aor to, String contentType, byte[] body, Instant created, MessageStatus status,
                      String imdnId, List<String> dispositions, List<Delivery> deliveries) {

    public Message {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(status, "status");
        body = body == null ? new byte[0] : body.clone();
        dispositions = dispositions == null ? List.of() : List.copyOf(dispositions);
        deliveries = deliveries == null ? List.of() : List.copyOf(deliveries);
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    /** Body length in bytes. */
    public int size() {
        return body.length;
    }

    /** The body as UTF-8 text (for display; non-text bodies come out garbled). */
    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Message m && id == m.id && from.equals(m.from) && to.equals(m.to)
                && contentType.equals(m.contentType) && Arrays.equals(body, m.body) && created.equals(m.created)
                && status == m.status && Objects.equals(imdnId, m.imdnId) && dispositions.equals(m.dispositions)
                && deliveries.equals(m.deliveries);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, from, to, contentType, Arrays.hashCode(body), created, status);
    }

    @Override
    public String toString() {
        return "Message[" + id + " " + from + " -> " + to + ", " + contentType + ", " + body.length + " bytes, " + status + "]";
    }
}
