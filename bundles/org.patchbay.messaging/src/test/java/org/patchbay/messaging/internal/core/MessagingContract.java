package org.patchbay.messaging.internal.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.patchbay.api.identity.Aor;
import org.patchbay.api.messaging.DeliveryStatus;
import org.patchbay.api.messaging.Message;
import org.patchbay.api.messaging.MessageStatus;
import org.patchbay.api.messaging.MessagingException;
import org.patchbay.api.messaging.MessagingException.Reason;

/**
 * What the messaging service must do on every database the store supports, with the real schema script and fake
 * directory, location service and deliverer. Subclasses give each test a fresh, migrated database.
 */
abstract class MessagingContract {
    static final Aor ALICE = Aor.parse("alice@example.com");
    static final Aor BOB = Aor.parse("bob@example.com");

    private DataSource ds;
    private final Fakes.Users users = new Fakes.Users("alice@example.com", "bob@example.com");
    private final Fakes.Locations locations = new Fakes.Locations();
    private final Fakes.Deliverer sip = new Fakes.Deliverer();
    private MessagingService service;

    static Settings settings(int ratePerMinute, int maxAttempts) {
        return new Settings(1000, List.of("text/*", "message/cpim", "application/im-iscomposing+xml"),
                List.of("application/im-iscomposing+xml"), ratePerMinute, maxAttempts, Duration.ofSeconds(1),
                Duration.ofDays(30), Duration.ofDays(90), Duration.ofSeconds(30));
    }

    /** A fresh database with {@code db/messaging/V1__messages.sql} applied. */
    abstract DataSource openDatabase() throws Exception;

    abstract void closeDatabase(DataSource ds) throws Exception;

    static String schema() throws java.io.IOException {
        try (var in = MessagingContract.class.getResourceAsStream("/db/messaging/V1__messages.sql")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @BeforeEach
    void open() throws Exception {
        ds = openDatabase();
        service = start(settings(0, 3));
    }

    private MessagingService start(Settings s) {
        MessagingService m = new MessagingService(new MessageStore(ds), users, locations, Clock.systemUTC(), s);
        m.addDeliverer("sip", sip);
        return m;
    }

    @AfterEach
    void close() throws Exception {
        service.deactivate();
        closeDatabase(ds);
    }

    private Message send(String text) {
        return service.submit(ALICE, BOB, "text/plain;charset=UTF-8", text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void queuedWhileOfflineThenDeliveredInOrderOncePerDevice() throws Exception {
        Message first = send("one");
        send("two");
        send("three");
        assertEquals(3, service.queued(BOB, 10).size());
        assertEquals(MessageStatus.QUEUED, service.find(first.id()).orElseThrow().status());

        locations.add("bob@example.com", "sip:bob@127.0.0.1:5062", null);
        service.handleEvent(bound("bob@example.com", "sip:bob@127.0.0.1:5062"));
        assertTrue(waitFor(() -> sip.texts("sip:bob@127.0.0.1:5062").size() == 3), sip.sent.toString());
        assertEquals(List.of("one", "two", "three"), sip.texts("sip:bob@127.0.0.1:5062"));
        assertTrue(waitFor(() -> service.queued(BOB, 10).isEmpty()));

        // a refreshed registration, a sweep, a restart: nothing is sent again
        service.handleEvent(bound("bob@example.com", "sip:bob@127.0.0.1:5062"));
        service.deactivate();
        service = start(settings(0, 3));
        service.worker().execute(service::sweepNow);
        Thread.sleep(300);
        assertEquals(3, sip.sent.size());
        Message stored = service.find(first.id()).orElseThrow();
        assertEquals(MessageStatus.DELIVERED, stored.status());
        assertEquals(1, stored.deliveries().size());
        assertEquals(DeliveryStatus.DELIVERED, stored.deliveries().get(0).status());
    }

    @Test
    void onlineMessageGoesToEveryDeviceAndAFailingOneIsRetriedThenGivenUp() throws Exception {
        locations.add("bob@example.com", "sip:bob@127.0.0.1:5062", null);
        locations.add("bob@example.com", "sip:bob@127.0.0.1:5064", "<urn:uuid:phone>");
        sip.answer = b -> b.contact().endsWith("5064") ? 480 : 200;
        Message m = send("hello");
        assertTrue(waitFor(() -> sip.texts("sip:bob@127.0.0.1:5064").size() == 3), sip.sent.toString());
        assertTrue(waitFor(() -> service.find(m.id()).orElseThrow().deliveries().stream()
                .anyMatch(d -> d.device().equals("<urn:uuid:phone>") && d.status() == DeliveryStatus.FAILED)));
        assertEquals(1, sip.texts("sip:bob@127.0.0.1:5062").size());
        assertEquals(MessageStatus.DELIVERED, service.find(m.id()).orElseThrow().status());
    }

    @Test
    void refusals() throws Exception {
        service.deactivate();
        service = start(settings(2, 3));
        MessagingException e = assertThrows(MessagingException.class,
                () -> service.submit(ALICE, Aor.parse("nobody@example.com"), "text/plain", new byte[] {1}));
        assertEquals(Reason.NOT_FOUND, e.reason());
        e = assertThrows(MessagingException.class, () -> service.submit(ALICE, BOB, "text/plain", new byte[1001]));
        assertEquals(Reason.TOO_LARGE, e.reason());
        e = assertThrows(MessagingException.class, () -> service.submit(ALICE, BOB, "image/png", new byte[] {1}));
        assertEquals(Reason.UNSUPPORTED_TYPE, e.reason());
        e = assertThrows(MessagingException.class, () -> service.submit(ALICE, BOB, "application/im-iscomposing+xml",
                "<isComposing/>".getBytes(StandardCharsets.UTF_8)));
        assertEquals(Reason.OFFLINE, e.reason(), "is-composing to an offline user is not queued");
        send("1");
        e = assertThrows(MessagingException.class, () -> send("2"));
        assertEquals(Reason.RATE_LIMITED, e.reason());
        assertTrue(e.retryAfterSeconds() >= 1 && e.retryAfterSeconds() <= 60);
        assertEquals(1, service.queued(BOB, 10).size(), "only the accepted message is stored");
    }

    @Test
    void isComposingIsRelayedButNeverStored() throws Exception {
        locations.add("bob@example.com", "sip:bob@127.0.0.1:5062", null);
        Message m = service.submit(ALICE, BOB, "application/im-iscomposing+xml",
                "<isComposing/>".getBytes(StandardCharsets.UTF_8));
        assertEquals(0, m.id());
        assertTrue(waitFor(() -> sip.sent.size() == 1));
        assertTrue(service.recent(null, 0, 10).isEmpty());
    }

    @Test
    void imdnDisplayNotificationUpdatesTheOriginalMessage() throws Exception {
        String cpim = "From: <sip:alice@example.com>\r\nTo: <sip:bob@example.com>\r\nNS: imdn <urn:ietf:params:imdn>\r\n"
                + "imdn.Message-ID: 34jk324j\r\nimdn.Disposition-Notification: positive-delivery, display\r\n\r\n"
                + "Content-Type: text/plain\r\n\r\nHi Bob\r\n";
        Message m = service.submit(ALICE, BOB, "message/cpim", cpim.getBytes(StandardCharsets.UTF_8));
        Message stored = service.find(m.id()).orElseThrow();
        assertEquals("34jk324j", stored.imdnId());
        assertEquals(List.of("positive-delivery", "display"), stored.dispositions());
        String notification = "From: <sip:bob@example.com>\r\nTo: <sip:alice@example.com>\r\nNS: imdn <urn:ietf:params:imdn>\r\n"
                + "imdn.Message-ID: dd87\r\n\r\nContent-Type: message/imdn+xml\r\nContent-Disposition: notification\r\n\r\n"
                + "<?xml version=\"1.0\"?><imdn xmlns=\"urn:ietf:params:xml:ns:imdn\"><message-id>34jk324j</message-id>"
                + "<display-notification><status><displayed/></status></display-notification></imdn>";
        service.submit(BOB, ALICE, "message/cpim", notification.getBytes(StandardCharsets.UTF_8));
        assertEquals(MessageStatus.DISPLAYED, service.find(m.id()).orElseThrow().status());
        assertEquals(1, service.history(ALICE, BOB, 0, 10).size(), "the notification is not part of the conversation");
        assertEquals(1, service.queued(ALICE, 10).size(), "but it is queued for alice");
    }

    @Test
    void historyPagesNewestFirstEitherWay() {
        for (int i = 0; i < 5; i++) {
            send("a" + i);
            service.submit(BOB, ALICE, "text/plain", ("b" + i).getBytes(StandardCharsets.UTF_8));
        }
        List<Message> page = service.history(BOB, ALICE, 0, 4);
        assertEquals(List.of("b4", "a4", "b3", "a3"), page.stream().map(Message::text).toList());
        List<Message> next = service.history(ALICE, BOB, page.get(3).id(), 4);
        assertEquals(List.of("b2", "a2", "b1", "a1"), next.stream().map(Message::text).toList());
        assertEquals(List.of("b0", "a0"), service.history(ALICE, BOB, next.get(3).id(), 4).stream().map(Message::text).toList());
        assertThrows(MessagingException.class, () -> service.history(ALICE, BOB, 0, 0));
        assertFalse(service.recent(Aor.parse("carol@example.com"), 0, 10).iterator().hasNext());
    }

    @Test
    void retentionDeletesDeliveredMessagesFirstAndUndeliveredOnesLater() throws Exception {
        locations.add("bob@example.com", "sip:bob@127.0.0.1:5062", null);
        Message delivered = send("delivered");
        assertTrue(waitFor(() -> service.find(delivered.id()).orElseThrow().status() == MessageStatus.DELIVERED));
        Message waiting = service.submit(BOB, ALICE, "text/plain", "alice is offline".getBytes(StandardCharsets.UTF_8));
        service.deactivate();

        service = startAt(Duration.ofDays(31));
        service.sweepNow();
        assertTrue(service.find(delivered.id()).isEmpty(), "delivered and older than retention.days (30)");
        assertTrue(service.find(waiting.id()).isPresent(), "undelivered messages are kept longer");
        service.deactivate();

        service = startAt(Duration.ofDays(91));
        service.sweepNow();
        assertTrue(service.find(waiting.id()).isEmpty(), "undelivered and older than undelivered.retention.days (90)");
    }

    private MessagingService startAt(Duration ahead) {
        Clock later = Clock.offset(Clock.systemUTC(), ahead);
        MessagingService m = new MessagingService(new MessageStore(ds), users, locations, later, settings(0, 3));
        m.addDeliverer("sip", sip);
        return m;
    }

    private static org.osgi.service.event.Event bound(String aor, String contact) {
        return new org.osgi.service.event.Event(org.patchbay.api.location.LocationEvents.BOUND,
                java.util.Map.of("aor", aor, "contact", contact));
    }

    static boolean waitFor(BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return condition.getAsBoolean();
    }
}
