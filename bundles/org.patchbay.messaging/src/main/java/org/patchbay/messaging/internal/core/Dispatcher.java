package org.patchbay.messaging.internal.core;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import org.patchbay.api.identity.Aor;
import org.patchbay.api.location.Binding;
import org.patchbay.api.location.LocationService;
import org.patchbay.api.messaging.DeliveryStatus;
import org.patchbay.api.messaging.Message;
import org.patchbay.api.messaging.MessageDeliverer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends stored messages to the recipients' devices. Everything here runs on the one worker thread it is given, so the
 * in-flight table needs no lock: a device has at most one message in flight and gets the next only after the answer to
 * the previous one (order per device = store order). What a device got is in the store, so a restart, a refreshed
 * registration or a bundle update never sends a device a message it acknowledged.
 */
final class Dispatcher {
    /** A deliverer that never answers is given up on after this (SIP's own transaction timeout is 32 s). */
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(45);
    private static final int OPEN_BATCH = 200;
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    /** Told about each device that acknowledged a message. */
    interface Listener {
        void delivered(Message message, String device);
    }

    private final MessageStore store;
    private final LocationService location;
    private final Function<String, MessageDeliverer> deliverers;
    private final ScheduledExecutorService worker;
    private final Clock clock;
    private final Listener listener;
    private final Map<String, Long> inFlight = new HashMap<>();
    private final AtomicLong tokens = new AtomicLong();
    private volatile int inFlightCount;
    private volatile Settings settings;

    Dispatcher(MessageStore store, LocationService location, Function<String, MessageDeliverer> deliverers,
            ScheduledExecutorService worker, Clock clock, Settings settings, Listener listener) {
        this.store = store;
        this.location = location;
        this.deliverers = deliverers;
        this.worker = worker;
        this.clock = clock;
        this.settings = settings;
        this.listener = listener;
    }

    void settings(Settings s) {
        this.settings = s;
    }

    int inFlight() {
        return inFlightCount;
    }

    /** The device a binding stands for: its RFC 5626 instance when it has one, else its contact. */
    static String device(Binding b) {
        return b.instanceId() != null && !b.instanceId().isBlank() ? b.instanceId() : b.contact();
    }

    /** Looks at {@code aor}'s unsettled messages and live devices soon. */
    void kick(Aor aor) {
        run(() -> pump(aor), 0);
    }

    /** A device of {@code aor} registered (or refreshed): retry what failed for it, then deliver. */
    void registered(Aor aor, String contact) {
        run(() -> {
            String device = location.lookup(aor).stream().filter(b -> b.contact().equals(contact)).map(Dispatcher::device)
                    .findFirst().orElse(contact);
            int reset = store.resetFailed(aor, device);
            if (reset > 0) {
                LOG.debug("{} registered again: {} failed deliveries retried", device, reset);
            }
            pump(aor);
        }, 0);
    }

    /** Every recipient with unsettled messages (start, a deliverer appearing, the periodic sweep). */
    void pumpAll() throws SQLException {
        for (Aor aor : store.recipientsWithOpen()) {
            pump(aor);
        }
    }

    /** Sends a transient message (is-composing) to every live device now; returns how many it went to. Any thread. */
    int relay(Message message) {
        int sent = 0;
        for (Binding b : location.lookup(message.to())) {
            MessageDeliverer d = deliverers.apply(b.adapter());
            if (d != null) {
                try {
                    d.deliver(b, message);
                    sent++;
                } catch (RuntimeException e) {
                    LOG.info("relay of {} to {} failed: {}", message.contentType(), b.contact(), e.toString());
                }
            }
        }
        return sent;
    }

    /** On the worker: for each live device without a message in flight, send the oldest message it has not got. */
    void pump(Aor aor) throws SQLException {
        List<Binding> bindings = location.lookup(aor).stream().filter(b -> deliverers.apply(b.adapter()) != null).toList();
        if (bindings.isEmpty()) {
            return;
        }
        List<Message> open = store.open(aor, OPEN_BATCH);
        if (open.isEmpty()) {
            return;
        }
        Map<Long, Map<String, MessageStore.Row>> rows = store.rows(open.stream().map(Message::id).toList());
        Instant now = clock.instant();
        for (Binding b : bindings) {
            String device = device(b);
            if (inFlight.containsKey(key(aor, device))) {
                continue;
            }
            for (Message m : open) {
                MessageStore.Row row = rows.getOrDefault(m.id(), Map.of()).get(device);
                if (row != null && row.status() != DeliveryStatus.PENDING) {
                    continue; // delivered, or given up for this device
                }
                if (row != null && row.nextAttempt() != null && row.nextAttempt().isAfter(now)) {
                    run(() -> pump(aor), Duration.between(now, row.nextAttempt()).toMillis() + 1);
                    break; // keep the order: nothing newer before this one
                }
                send(aor, b, device, m, row == null ? 1 : row.attempts() + 1);
                break;
            }
        }
    }

    private void send(Aor aor, Binding b, String device, Message m, int attempt) throws SQLException {
        MessageDeliverer d = deliverers.apply(b.adapter());
        store.attempt(m.id(), device, b.adapter(), attempt, clock.instant());
        long token = tokens.incrementAndGet();
        inFlight.put(key(aor, device), token);
        inFlightCount = inFlight.size();
        run(() -> answered(aor, device, m, attempt, token, 408), ANSWER_TIMEOUT.toMillis());
        try {
            d.deliver(b, m).whenComplete((code, error) -> run(() -> answered(aor, device, m, attempt, token,
                    error != null || code == null ? 500 : code), 0));
        } catch (RuntimeException e) {
            LOG.info("message {} to {}: deliverer failed: {}", m.id(), device, e.toString());
            answered(aor, device, m, attempt, token, 500);
        }
    }

    private void answered(Aor aor, String device, Message m, int attempt, long token, int code) throws SQLException {
        if (!inFlight.remove(key(aor, device), token)) {
            return; // a late answer after the timeout, or the reverse
        }
        inFlightCount = inFlight.size();
        Instant now = clock.instant();
        Settings s = settings;
        if (code >= 200 && code < 300) {
            store.outcome(m.id(), device, DeliveryStatus.DELIVERED, code, null, now);
            listener.delivered(m, device);
        } else if (permanent(code) || attempt >= s.maxAttempts()) {
            store.outcome(m.id(), device, DeliveryStatus.FAILED, code, null, now);
            LOG.info("message {} to {} ({}): given up for this device after {} attempts, last answer {}", m.id(), device,
                    aor, attempt, code);
        } else {
            Duration wait = s.backoff(attempt);
            store.outcome(m.id(), device, DeliveryStatus.PENDING, code, now.plus(wait), now);
            LOG.debug("message {} to {}: answer {}, retry in {} ms", m.id(), device, code, wait.toMillis());
        }
        pump(aor);
    }

    /** Answers that will not change by trying again: the device refuses this message (415, 403, 404 …). */
    private static boolean permanent(int code) {
        return code >= 400 && code < 500 && code != 408 && code != 480 && code != 481 && code != 486 && code != 491;
    }

    private static String key(Aor aor, String device) {
        return aor + " " + device;
    }

    /** Work for the worker thread; failures are one log line, a stopped worker drops it (the store keeps the state). */
    private void run(Work work, long delayMillis) {
        try {
            worker.schedule(() -> {
                try {
                    work.run();
                } catch (SQLException | RuntimeException e) {
                    LOG.error("message delivery: {}", e.toString());
                }
            }, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // stopping: whatever was pending stays in the store and is picked up at the next start
        }
    }

    @FunctionalInterface
    interface Work {
        void run() throws SQLException;
    }
}
