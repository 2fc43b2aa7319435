package org.patchbay.messaging.internal.core;

import java.util.HashMap;
import java.util.Map;

import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.patchbay.api.identity.Aor;
import org.patchbay.api.messaging.Message;
import org.patchbay.api.messaging.MessageEvents;

/** Posts the {@link MessageEvents} (asynchronously) while an EventAdmin is there; silently nothing otherwise. */
final class Notifier {
    private volatile EventAdmin events;

    void eventAdmin(EventAdmin ea) {
        events = ea;
    }

    void clear(EventAdmin ea) {
        if (events == ea) {
            events = null;
        }
    }

    /** A message event; {@code device} only for {@link MessageEvents#DELIVERED}. */
    void post(String topic, Message m, String device) {
        Map<String, Object> p = new HashMap<>();
        p.put(MessageEvents.ID, m.id());
        p.put(MessageEvents.FROM, m.from().toString());
        p.put(MessageEvents.TO, m.to().toString());
        p.put(MessageEvents.CONTENT_TYPE, m.contentType());
        if (device != null) {
            p.put(MessageEvents.DEVICE, device);
        }
        post(topic, p);
    }

    /** The recipient's client reported message {@code id} displayed; {@code sender} may be unknown (null). */
    void displayed(long id, Aor sender, Aor recipient) {
        Map<String, Object> p = new HashMap<>();
        p.put(MessageEvents.ID, id);
        p.put(MessageEvents.TO, recipient.toString());
        if (sender != null) {
            p.put(MessageEvents.FROM, sender.toString());
        }
        post(MessageEvents.DISPLAYED, p);
    }

    private void post(String topic, Map<String, Object> properties) {
        EventAdmin ea = events;
        if (ea != null) {
            ea.postEvent(new Event(topic, properties));
        }
    }
}
