package org.patchbay.api.messaging;

/**
 * EventAdmin topics posted (asynchronously) by the messaging service. Properties: {@link #ID}, {@link #FROM}, {@link #TO},
 * {@link #CONTENT_TYPE}; {@link #DEVICE} for {@link #DELIVERED}.
 */
public final class MessageEvents {
    /** A message was stored (and acknowledged to its sender). */
    public static final String STORED = "org/patchbay/message/STORED";
    /** One device of the recipient acknowledged a message. */
    public static final String DELIVERED = "org/patchbay/message/DELIVERED";
    /** The recipient's client reported a message displayed (IMDN). */
    public static final String DISPLAYED = "org/patchbay/message/DISPLAYED";
    /** A message was dropped undelivered (undelivered retention passed). */
    public static final String FAILED = "org/patchbay/message/FAILED";
    public static final String ALL = "org/patchbay/message/*";

    public static final String ID = "id";
    public static final String FROM = "from";
    public static final String TO = "to";
    public static final String CONTENT_TYPE = "contentType";
    public static final String DEVICE = "device";

    private MessageEvents() {
    }
}
