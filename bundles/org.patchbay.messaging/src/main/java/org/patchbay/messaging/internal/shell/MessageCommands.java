package org.patchbay.messaging.internal.shell;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.patchbay.api.identity.Aor;
import org.patchbay.api.messaging.MessageService;
import org.patchbay.api.messaging.MessagingException;

/**
 * {@code pb:messages}, {@code pb:msgqueue}, {@code pb:message}: conversation history and the offline queue. Registered with
 * the {@code osgi.command.*} properties, so the bundle needs no Gogo runtime unless the shell is there.
 */
@Component(service = MessageCommands.class, property = {"osgi.command.scope=pb", "osgi.command.function=messages",
    "osgi.command.function=msgqueue", "osgi.command.function=message"})
public final class MessageCommands {
    static final int DEFAULT_ROWS = 20;
    static final String UNAVAILABLE = "messaging unavailable (bundle org.patchbay.messaging or its store not active)";

    private volatile MessageService service;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindService(MessageService s) {
        service = s;
    }

    void unbindService(MessageService s) {
        if (service == s) {
            service = null;
        }
    }

    @Descriptor("the 20 newest messages on the node, newest first")
    public MessageTable messages() {
        return new MessageTable(run("pb:messages", () -> service("pb:messages").recent(null, 0, DEFAULT_ROWS)), "no messages");
    }

    @Descriptor("the 20 newest messages sent or received by a user, newest first")
    public MessageTable messages(@Descriptor("user@domain") String user) {
        Aor u = aor("pb:messages", user);
        return new MessageTable(run("pb:messages", () -> service("pb:messages").recent(u, 0, DEFAULT_ROWS)),
                "no messages of " + u);
    }

    @Descriptor("the conversation between two users, newest first (20 messages)")
    public MessageTable messages(@Descriptor("user@domain") String user, @Descriptor("the other user@domain") String peer) {
        return messages(user, peer, DEFAULT_ROWS, 0);
    }

    @Descriptor("a page of the conversation between two users, newest first")
    public MessageTable messages(@Descriptor("user@domain") String user, @Descriptor("the other user@domain") String peer,
            @Descriptor("how many (1..500)") int limit,
            @Descriptor("only messages with an id below this one (0: from the newest)") long before) {
        Aor a = aor("pb:messages", user);
        Aor b = aor("pb:messages", peer);
        return new MessageTable(run("pb:messages", () -> service("pb:messages").history(a, b, before, limit)),
                "no messages between " + a + " and " + b);
    }

    @Descriptor("messages no device has received yet (offline queue), oldest first")
    public MessageTable msgqueue() {
        return new MessageTable(run("pb:msgqueue", () -> service("pb:msgqueue").queued(null, 500)), "queue empty");
    }

    @Descriptor("messages waiting for one user, oldest first")
    public MessageTable msgqueue(@Descriptor("user@domain") String user) {
        Aor u = aor("pb:msgqueue", user);
        return new MessageTable(run("pb:msgqueue", () -> service("pb:msgqueue").queued(u, 500)), "nothing queued for " + u);
    }

    @Descriptor("one message with its deliveries per device")
    public String message(@Descriptor("message id, as pb:messages shows it") long id) {
        return run("pb:message", () -> service("pb:message").find(id)).map(MessageTable::details)
                .orElseThrow(() -> new CommandFailure("pb:message", "no message " + id + " (see pb:messages)"));
    }

    private MessageService service(String command) {
        MessageService s = service;
        if (s == null) {
            throw new CommandFailure(command, UNAVAILABLE);
        }
        return s;
    }

    private static Aor aor(String command, String text) {
        try {
            return Aor.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CommandFailure(command, e.getMessage());
        }
    }

    private static <T> T run(String command, java.util.function.Supplier<T> work) {
        try {
            return work.get();
        } catch (MessagingException e) {
            throw new CommandFailure(command, e.getMessage());
        }
    }
}
