package org.patchbay.messaging.internal.core;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.patchbay.api.health.HealthCheck;
import org.patchbay.api.health.HealthResult;
import org.patchbay.api.identity.Aor;
import org.patchbay.api.identity.Directory;
import org.patchbay.api.location.LocationEvents;
import org.patchbay.api.location.LocationService;
import org.patchbay.api.messaging.Message;
import org.patchbay.api.messaging.MessageDeliverer;
import org.patchbay.api.messaging.MessageEvents;
import org.patchbay.api.messaging.MessageService;
import org.patchbay.api.messaging.MessageStatus;
import org.patchbay.api.messaging.MessagingException;
import org.patchbay.api.messaging.MessagingException.Reason;
import org.patchbay.api.store.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The protocol-neutral messaging service: checks and stores messages (committed before {@link #submit} returns), then
 * has the {@link Dispatcher} deliver them through the {@link MessageDeliverer} of each binding's adapter. Registration
 * events (location BOUND / REFRESHED) trigger delivery of queued messages; a periodic sweep retries what is due and
 * applies the retention.
 */
@Component(service = {MessageService.class, HealthCheck.class, EventHandler.class}, configurationPid = MessagingService.PID,
        property = {HealthCheck.NAME + "=" + MessagingService.HEALTH,
            EventConstants.EVENT_TOPIC + "=" + LocationEvents.BOUND, EventConstants.EVENT_TOPIC + "=" + LocationEvents.REFRESHED})
@Designate(ocd = MessagingService.Config.class)
public final class MessagingService implements MessageService, HealthCheck, EventHandler {
    static final String PID = "org.patchbay.messaging";
    static final String HEALTH = "messaging";
    static final int MAX_PAGE = 500;

    @ObjectClassDefinition(name = "Patchbay messaging", description = "Pager-mode messages between users: limits, delivery "
            + "retries and retention")
    public @interface Config {
        @AttributeDefinition(description = "Largest message body accepted, in bytes (1-1048576); larger ones are refused "
                + "(SIP 413)", min = "1", max = "1048576")
        int max_body_bytes() default 65536;

        @AttributeDefinition(description = "Body types accepted (comma separated; type/* matches a whole type); others are "
                + "refused (SIP 415 with Accept)")
        String content_types() default "text/*,message/cpim,message/imdn+xml,application/im-iscomposing+xml,application/json";

        @AttributeDefinition(description = "Body types relayed to online devices only and never stored (comma separated)")
        String transient_types() default "application/im-iscomposing+xml";

        @AttributeDefinition(description = "Messages one sender may send per minute; more are refused (SIP 503 with "
                + "Retry-After). 0: no limit", min = "0")
        int rate_per_minute() default 60;

        @AttributeDefinition(description = "Attempts per device before a message is given up for that device (1-100)",
                min = "1", max = "100")
        int max_attempts() default 5;

        @AttributeDefinition(description = "Seconds before the first retry; each further retry waits twice as long (at "
                + "most 10 minutes)", min = "1", max = "3600")
        int retry_base_seconds() default 2;

        @AttributeDefinition(description = "Days delivered messages are kept (conversation history)", min = "1")
        int retention_days() default 30;

        @AttributeDefinition(description = "Days a message nobody has received is kept waiting for the recipient",
                min = "1")
        int undelivered_retention_days() default 90;

        @AttributeDefinition(description = "Seconds between sweeps (due retries, retention)", min = "1", max = "3600")
        int sweep_interval_seconds() default 30;
    }

    private static final Logger LOG = LoggerFactory.getLogger(MessagingService.class);

    private final Directory directory;
    private final MessageStore store;
    private final Clock clock;
    private final RateLimiter limiter = new RateLimiter();
    private final Map<String, MessageDeliverer> deliverers = new ConcurrentHashMap<>();
    private final Map<MessageDeliverer, String> adapters = new ConcurrentHashMap<>();
    private final ScheduledExecutorService worker;
    private final Dispatcher dispatcher;
    private volatile Settings settings;
    private volatile EventAdmin events;
    private volatile long unsettled;
    private volatile String problem;
    private ScheduledFuture<?> sweeps;

    @Activate
    public MessagingService(@Reference Database database, @Reference Directory directory,
            @Reference LocationService location, BundleContext context, Config config) {
        this(migrated(database, context), directory, location, Clock.systemUTC(), Settings.from(config));
        scheduleSweeps();
    }

    /** Outside OSGi (tests): on a migrated store, without the periodic sweep. */
    MessagingService(MessageStore store, Directory directory, LocationService location, Clock clock, Settings settings) {
        this.store = store;
        this.directory = directory;
        this.clock = clock;
        this.settings = settings;
        ScheduledThreadPoolExecutor w = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "pb-messaging");
            t.setDaemon(true);
            return t;
        });
        w.setRemoveOnCancelPolicy(true);
        this.worker = w;
        this.dispatcher = new Dispatcher(store, location, deliverers::get, worker, clock, settings, this::delivered);
    }

    private static MessageStore migrated(Database database, BundleContext context) {
        database.migrate(MessageStore.MODULE, context.getBundle(), MessageStore.SCRIPTS);
        return new MessageStore(database.dataSource());
    }

    private synchronized void scheduleSweeps() {
        if (sweeps != null) {
            sweeps.cancel(false);
        }
        long every = settings.sweepInterval().toMillis();
        sweeps = worker.scheduleWithFixedDelay(this::sweep, 0, every, TimeUnit.MILLISECONDS);
    }

    /** A configuration change keeps everything queued and in flight; only the limits and timings change. */
    @Modified
    void modified(Config config) {
        Settings s = Settings.from(config);
        boolean resweep = !s.sweepInterval().equals(settings.sweepInterval());
        settings = s;
        dispatcher.settings(s);
        if (resweep) {
            scheduleSweeps();
        }
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        worker.shutdownNow();
        if (!worker.awaitTermination(5, TimeUnit.SECONDS)) {
            LOG.warn("messaging worker did not stop within 5 s");
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindEvents(EventAdmin ea) {
        events = ea;
    }

    void unbindEvents(EventAdmin ea) {
        if (events == ea) {
            events = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindDeliverer(MessageDeliverer d, Map<String, Object> props) {
        Object adapter = props.get(MessageDeliverer.ADAPTER);
        if (adapter == null) {
            LOG.warn("message deliverer {} has no {} property; ignored", d.getClass().getName(), MessageDeliverer.ADAPTER);
            return;
        }
        deliverers.put(adapter.toString(), d);
        adapters.put(d, adapter.toString());
        // queued messages of users already registered through this adapter
        try {
            worker.execute(this::pumpAll);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // stopping
        }
    }

    void unbindDeliverer(MessageDeliverer d) {
        String adapter = adapters.remove(d);
        if (adapter != null) {
            deliverers.remove(adapter, d);
        }
    }

    /** For tests: a deliverer for bindings of {@code adapter}. */
    void addDeliverer(String adapter, MessageDeliverer d) {
        bindDeliverer(d, Map.of(MessageDeliverer.ADAPTER, adapter));
    }

    @Override
    public Message submit(Aor from, Aor to, String contentType, byte[] body) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Settings s = settings;
        if (contentType == null || contentType.isBlank() || !contentType.contains("/")) {
            throw new MessagingException(Reason.INVALID, "missing or malformed content type");
        }
        if (!s.allowed(contentType)) {
            throw new MessagingException(Reason.UNSUPPORTED_TYPE, "content type " + Cpim.baseType(contentType)
                    + " is not accepted (content.types: " + String.join(", ", s.contentTypes()) + ")");
        }
        byte[] bytes = body == null ? new byte[0] : body;
        if (bytes.length == 0) {
            throw new MessagingException(Reason.INVALID, "empty message body");
        }
        if (bytes.length > s.maxBodyBytes()) {
            throw new MessagingException(Reason.TOO_LARGE, "body of " + bytes.length + " bytes exceeds the limit of "
                    + s.maxBodyBytes() + " bytes (max.body.bytes)");
        }
        if (directory.find(to).isEmpty()) {
            throw new MessagingException(Reason.NOT_FOUND, "no user " + to);
        }
        RateLimiter.Verdict verdict = limiter.acquire(from, s.ratePerMinute(), clock.millis());
        if (verdict.waitSeconds() > 0) {
            if (verdict.first()) {
                LOG.warn("{} sent more than {} messages within a minute (rate.per.minute): further ones refused for {} s",
                        from, s.ratePerMinute(), verdict.waitSeconds());
            }
            throw new MessagingException(Reason.RATE_LIMITED, "more than " + s.ratePerMinute() + " messages per minute",
                    verdict.waitSeconds(), null);
        }
        Instant now = clock.instant();
        if (s.isTransient(contentType)) {
            Message m = new Message(0, from, to, contentType, bytes, now, MessageStatus.QUEUED, null, List.of(), List.of());
            if (dispatcher.relay(m) == 0) {
                throw new MessagingException(Reason.OFFLINE, to + " has no online device");
            }
            return m;
        }
        return store(from, to, contentType, bytes, now);
    }

    private Message store(Aor from, Aor to, String contentType, byte[] body, Instant now) {
        String kind = MessageStore.KIND_MESSAGE;
        String imdnId = null;
        List<String> dispositions = List.of();
        try {
            if (Cpim.isCpim(contentType)) {
                Cpim cpim = Cpim.parse(body);
                imdnId = cpim.imdnId();
                dispositions = cpim.dispositions();
                if (cpim.notification().isPresent()) {
                    kind = MessageStore.KIND_NOTIFICATION;
                    Cpim.Notification n = cpim.notification().get();
                    // a notification from the recipient (from) about a message the original sender (to) sent it
                    store.receipt(to, from, n.messageId(), n.status()).ifPresent(id -> receipted(id, to, from, n.status()));
                }
            }
            long id = store.insert(new MessageStore.NewMessage(from, to, contentType, body, now, kind, imdnId, dispositions));
            Message m = new Message(id, from, to, contentType, body, now, MessageStatus.QUEUED, imdnId, dispositions, List.of());
            post(MessageEvents.STORED, m, null);
            dispatcher.kick(to);
            return m;
        } catch (SQLException e) {
            LOG.error("message from {} to {} not stored: {} (SQL state {})", from, to, e.getMessage(), e.getSQLState());
            throw new MessagingException(Reason.UNAVAILABLE, "message store unavailable", 0, e);
        }
    }

    @Override
    public List<String> acceptedTypes() {
        return settings.contentTypes();
    }

    @Override
    public Optional<Message> find(long id) {
        return call(() -> store.find(id));
    }

    @Override
    public List<Message> history(Aor a, Aor b, long beforeId, int limit) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        return call(() -> store.history(a, b, beforeId, page(limit)));
    }

    @Override
    public List<Message> recent(Aor user, long beforeId, int limit) {
        return call(() -> store.recent(user, beforeId, page(limit)));
    }

    @Override
    public List<Message> queued(Aor to, int limit) {
        return call(() -> store.queued(to, page(limit)));
    }

    @Override
    public boolean receipt(Aor recipient, String imdnId, MessageStatus status) {
        if (status != MessageStatus.DELIVERED && status != MessageStatus.DISPLAYED) {
            throw new MessagingException(Reason.INVALID, "a receipt reports DELIVERED or DISPLAYED, not " + status);
        }
        Optional<Long> id = call(() -> store.receipt(null, recipient, imdnId, status));
        id.ifPresent(i -> receipted(i, null, recipient, status));
        return id.isPresent();
    }

    private void receipted(long id, Aor sender, Aor recipient, MessageStatus status) {
        if (status == MessageStatus.DISPLAYED) {
            EventAdmin ea = events;
            if (ea != null) {
                Map<String, Object> p = new HashMap<>();
                p.put(MessageEvents.ID, id);
                p.put(MessageEvents.TO, recipient.toString());
                if (sender != null) {
                    p.put(MessageEvents.FROM, sender.toString());
                }
                ea.postEvent(new Event(MessageEvents.DISPLAYED, p));
            }
        }
    }

    private static int page(int limit) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new MessagingException(Reason.INVALID, "limit must be 1.." + MAX_PAGE + ", got " + limit);
        }
        return limit;
    }

    private void delivered(Message m, String device) {
        post(MessageEvents.DELIVERED, m, device);
    }

    private void post(String topic, Message m, String device) {
        EventAdmin ea = events;
        if (ea == null) {
            return;
        }
        Map<String, Object> p = new HashMap<>();
        p.put(MessageEvents.ID, m.id());
        p.put(MessageEvents.FROM, m.from().toString());
        p.put(MessageEvents.TO, m.to().toString());
        p.put(MessageEvents.CONTENT_TYPE, m.contentType());
        if (device != null) {
            p.put(MessageEvents.DEVICE, device);
        }
        ea.postEvent(new Event(topic, p));
    }

    /** Location events: a device registered or refreshed. Never blocks (the work goes to the worker). */
    @Override
    public void handleEvent(Event event) {
        Object aor = event.getProperty(LocationEvents.AOR);
        Object contact = event.getProperty(LocationEvents.CONTACT);
        if (aor == null || contact == null) {
            return;
        }
        try {
            dispatcher.registered(Aor.parse(aor.toString()), contact.toString());
        } catch (IllegalArgumentException e) {
            LOG.debug("location event with a bad address: {}", e.getMessage());
        }
    }

    /** Delivers what is due everywhere, then applies the retention. On the worker. */
    void sweep() {
        try {
            Settings s = settings;
            Instant now = clock.instant();
            int purged = store.purgeSettled(now.minus(s.retention()));
            for (Message m : store.expireUnsettled(now.minus(s.undeliveredRetention()))) {
                LOG.info("message {} from {} to {} dropped undelivered after {} days (undelivered.retention.days)", m.id(),
                        m.from(), m.to(), s.undeliveredRetention().toDays());
                post(MessageEvents.FAILED, m, null);
            }
            if (purged > 0) {
                LOG.info("{} delivered messages older than {} days deleted (retention.days)", purged, s.retention().toDays());
            }
            pumpAll();
            unsettled = store.countUnsettled();
            problem = null;
        } catch (SQLException | RuntimeException e) {
            problem = e.toString();
            LOG.error("messaging sweep failed: {}", e.toString());
        }
    }

    private void pumpAll() {
        try {
            dispatcher.pumpAll();
        } catch (SQLException | RuntimeException e) {
            LOG.error("message delivery: {}", e.toString());
        }
    }

    @Override
    public HealthResult check() {
        String p = problem;
        String detail = unsettled + " undelivered messages, " + dispatcher.inFlight() + " deliveries in flight; deliverers: "
                + (deliverers.isEmpty() ? "none" : String.join(", ", new TreeSet<>(deliverers.keySet())));
        return p == null ? HealthResult.up(HEALTH, detail) : HealthResult.down(HEALTH, "store: " + p + "; " + detail);
    }

    /** Runs the work now (tests). */
    void sweepNow() {
        sweep();
    }

    ScheduledExecutorService worker() {
        return worker;
    }

    private <T> T call(StoreCall<T> work) {
        try {
            return work.call();
        } catch (SQLException e) {
            LOG.error("message store: {} (SQL state {})", e.getMessage(), e.getSQLState());
            throw new MessagingException(Reason.UNAVAILABLE, "message store unavailable", 0, e);
        }
    }

    @FunctionalInterface
    private interface StoreCall<T> {
        T call() throws SQLException;
    }
}
