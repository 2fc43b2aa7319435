package org.patchbay.core.internal.call;

import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

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
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.patchbay.api.call.CallEvents;
import org.patchbay.api.call.CallInfo;
import org.patchbay.api.call.CallRecord;
import org.patchbay.api.call.CallRecords;
import org.patchbay.api.call.CallService;
import org.patchbay.api.call.Leg;
import org.patchbay.api.call.LegControl;
import org.patchbay.api.call.LegFactory;
import org.patchbay.api.call.LegSignal;
import org.patchbay.api.call.Originate;
import org.patchbay.api.identity.Aor;
import org.patchbay.api.identity.Directory;
import org.patchbay.api.location.Binding;
import org.patchbay.api.location.LocationService;
import org.patchbay.api.media.MediaHook;
import org.patchbay.api.store.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The B2BUA: places calls, keeps the live ones, runs their timers and writes their records. Each call runs on its own
 * serial executor over a small shared pool, so no lock is ever held across calls.
 */
@Component(service = {CallService.class, CallRecords.class}, immediate = true, configurationPid = CallManager.PID)
@Designate(ocd = CallManager.Config.class)
public final class CallManager implements CallService, CallRecords {
    static final String PID = "org.patchbay.core.calls";

    private static final Logger LOG = LoggerFactory.getLogger(CallManager.class);

    @ObjectClassDefinition(name = "Patchbay calls", description = "The B2BUA core: ring timeout and call limits")
    public @interface Config {
        @AttributeDefinition(name = "Ring timeout (s)", min = "1", max = "3600",
                description = "Seconds the callee's devices ring before the call is given up")
        int ring_timeout_seconds() default 60;

        @AttributeDefinition(name = "No-answer status", options = {
            @org.osgi.service.metatype.annotations.Option(label = "480 Temporarily Unavailable", value = "480"),
            @org.osgi.service.metatype.annotations.Option(label = "408 Request Timeout", value = "408")},
                description = "Status the caller gets when nobody answers within the ring timeout")
        int ring_timeout_code() default 480;

        @AttributeDefinition(name = "Most live calls", min = "1", max = "1000000",
                description = "Further calls are refused with 503 until the count drops")
        int max_calls() default 10000;

        @AttributeDefinition(name = "Reject status map", description = "A callee's final answer with this status and "
                + "reason phrase reaches the caller (and the record) as another status; entries 'code phrase=newcode'. "
                + "Default: the Exotel WebSDK's answer to a second call while in a call, 480 with reason phrase 4001, "
                + "becomes 486 Busy Here, so the caller hears busy")
        String[] reject_status_map() default {"480 4001=486"};

        @AttributeDefinition(name = "Threads", min = "1", max = "64",
                description = "Threads the calls' signalling runs on (shared; each call is serial)")
        int threads() default 2;
    }

    private final Directory directory;
    private final CdrStore store;
    private final CdrWriter writer;
    private final Clock clock;
    private final CallThreads threads;
    private final Map<String, Call> calls = new ConcurrentHashMap<>();
    private final Map<String, LegFactory> factories = new ConcurrentHashMap<>();
    private final AtomicInteger liveLegs = new AtomicInteger();
    private final AtomicLong sequence = new AtomicLong();
    private final String prefix;
    private volatile LocationService location;
    private volatile MediaHook mediaHook;
    private volatile EventAdmin events;
    private volatile CallSettings settings;
    private volatile boolean stopping;

    @Activate
    public CallManager(@Reference Directory directory, @Reference Database database, BundleContext context,
            Config config) {
        this(directory, migrated(database, context), Clock.systemUTC(), config);
    }

    /**
     * Outside OSGi (tests of this and of adapter bundles): records go to {@code cdrs}, already migrated. A factory
     * method, not a constructor: SCR inspects every public constructor with the activation constructor's arity.
     */
    public static CallManager outsideOsgi(Directory directory, javax.sql.DataSource cdrs, Clock clock, Config config) {
        return new CallManager(directory, new CdrStore(cdrs), clock, config);
    }

    CallManager(Directory directory, CdrStore store, Clock clock, Config config) {
        this.directory = directory;
        this.store = store;
        this.clock = clock;
        this.settings = CallSettings.of(config);
        this.writer = new CdrWriter(store);
        this.threads = new CallThreads(settings.threads());
        this.prefix = randomPrefix();
    }

    private static CdrStore migrated(Database database, BundleContext context) {
        database.migrate(CdrStore.MODULE, context.getBundle(), CdrStore.SCRIPTS);
        return new CdrStore(database.dataSource());
    }

    @Modified
    void modified(Config newConfig) {
        this.settings = CallSettings.of(newConfig);
        threads.resize(settings.threads());
    }

    /** Ends every live call (BYE/CANCEL/503), waits briefly for that to be sent, writes the records, stops threads. */
    @Deactivate
    public void deactivate() {
        stopping = true;
        List<Call> live = new ArrayList<>(calls.values());
        if (!live.isEmpty()) {
            LOG.info("calls: ending {} live calls", live.size());
        }
        CountDownLatch done = new CountDownLatch(live.size());
        for (Call c : live) {
            c.execute(() -> {
                try {
                    c.hangup("node stopping");
                } finally {
                    done.countDown();
                }
            });
        }
        try {
            done.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        threads.shutdown();
        writer.close(10_000);
    }

    // --- references ---------------------------------------------------------------------------------------------------

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void bindLocation(LocationService service) {
        location = service;
    }

    void unbindLocation(LocationService service) {
        if (location == service) {
            location = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    public void bindFactory(LegFactory factory, Map<String, Object> props) {
        Object adapter = props.get(LegFactory.ADAPTER);
        if (adapter == null) {
            LOG.warn("calls: leg factory {} has no {} property; ignored", factory, LegFactory.ADAPTER);
            return;
        }
        factories.put(adapter.toString(), factory);
    }

    void unbindFactory(LegFactory factory, Map<String, Object> props) {
        Object adapter = props.get(LegFactory.ADAPTER);
        if (adapter != null && factories.remove(adapter.toString(), factory)) {
            for (Call c : calls.values()) {
                c.execute(() -> c.adapterGone(adapter.toString()));
            }
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindMedia(MediaHook hook) {
        mediaHook = hook;
    }

    void unbindMedia(MediaHook hook) {
        if (mediaHook == hook) {
            mediaHook = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindEvents(EventAdmin admin) {
        events = admin;
    }

    void unbindEvents(EventAdmin admin) {
        if (events == admin) {
            events = null;
        }
    }

    // --- CallService ----------------------------------------------------------------------------------------------

    @Override
    public LegControl place(Leg callerLeg, Aor destination, String offer, int hops) {
        String id = prefix + Long.toString(sequence.incrementAndGet(), 36);
        Call call = new Call(this, id, callerLeg, destination, offer, hops, now());
        if (stopping || calls.size() >= settings.maxCalls()) {
            LOG.warn("call {} from {} to {} refused: {}", id, callerLeg.party().label(), destination,
                    stopping ? "node stopping" : "at most " + settings.maxCalls() + " live calls");
            refuse(call);
            return call.caller();
        }
        calls.put(id, call);
        post(CallEvents.STARTED, id, callerLeg.party().label(), destination.toString(), null);
        call.execute(call::route);
        return call.caller();
    }

    @Override
    public String originate(Originate request) {
        String id = prefix + Long.toString(sequence.incrementAndGet(), 36);
        if (stopping || calls.size() >= settings.maxCalls()) {
            String why = stopping ? "node stopping" : "at most " + settings.maxCalls() + " live calls";
            LOG.warn("call {} from {} to {} refused: {}", id, request.first(), request.second(), why);
            throw new IllegalStateException("call refused: " + why);
        }
        Call call = new Call(this, id, request, now());
        calls.put(id, call);
        post(CallEvents.STARTED, id, request.first().toString(), request.second().toString(), null);
        call.execute(call::route);
        return id;
    }

    private void refuse(Call call) {
        // never registered: the caller hears 503 and nothing is recorded for a call that never started
        call.execute(() -> {
            call.caller().finish("refused");
            call.caller().deliver(new LegSignal.Reject(503, Outcome.phrase(503)));
        });
    }

    @Override
    public List<CallInfo> calls() {
        List<CallInfo> list = new ArrayList<>();
        calls.values().forEach(c -> list.add(c.info()));
        list.sort(Comparator.comparing(CallInfo::started));
        return list;
    }

    @Override
    public Optional<CallInfo> call(String id) {
        Call c = id == null ? null : calls.get(id);
        return c == null ? Optional.empty() : Optional.of(c.info());
    }

    @Override
    public boolean hangup(String id, String reason) {
        Call c = id == null ? null : calls.get(id);
        if (c == null) {
            return false;
        }
        LOG.info("call {}: hangup requested ({})", id, reason);
        c.execute(() -> c.hangup(reason));
        return true;
    }

    @Override
    public boolean info(String callId, String legId, String contentType, byte[] body) {
        Call c = callId == null ? null : calls.get(callId);
        if (c == null || legId == null || contentType == null) {
            return false;
        }
        byte[] copy = body == null ? new byte[0] : body.clone();
        c.execute(() -> c.info(legId, contentType, copy));
        return true;
    }

    @Override
    public int liveCalls() {
        return calls.size();
    }

    @Override
    public int liveLegs() {
        return liveLegs.get() + calls.size();
    }

    // --- CallRecords ----------------------------------------------------------------------------------------------

    @Override
    public List<CallRecord> recent(int limit) {
        try {
            return store.recent(limit);
        } catch (SQLException e) {
            throw unavailable("read call records", e);
        }
    }

    @Override
    public Optional<CallRecord> find(String id) {
        try {
            return store.find(id);
        } catch (SQLException e) {
            throw unavailable("read call record " + id, e);
        }
    }

    @Override
    public long count() {
        try {
            return store.count();
        } catch (SQLException e) {
            throw unavailable("count call records", e);
        }
    }

    private static IllegalStateException unavailable(String what, SQLException e) {
        LOG.error("calls: {} failed: {} (SQLState {})", what, e.getMessage(), e.getSQLState());
        return new IllegalStateException(what + " failed: store unavailable", e);
    }

    /** Records accepted but not yet on the store (tests, diagnostics). */
    int cdrBacklog() {
        return writer.backlog();
    }

    // --- for calls ----------------------------------------------------------------------------------------------

    Executor serialExecutor() {
        return threads.serialExecutor();
    }

    Directory directory() {
        return directory;
    }

    List<Binding> bindings(Aor aor) {
        LocationService l = location;
        return l == null ? List.of() : l.lookup(aor);
    }

    LegFactory factory(String adapter) {
        return factories.get(adapter);
    }

    /** The configuration as it is now. */
    CallSettings settings() {
        return settings;
    }

    Future<?> schedule(Runnable task, long millis) {
        return threads.schedule(task, millis);
    }

    Instant now() {
        return clock.instant();
    }

    /** The media engine bound now, or null. */
    MediaHook mediaHook() {
        return mediaHook;
    }

    void legStarted() {
        liveLegs.incrementAndGet();
    }

    void legEnded() {
        liveLegs.decrementAndGet();
    }

    void ringing(Call call) {
        CallInfo info = call.info();
        post(CallEvents.RINGING, call.id(), info.caller().label(), info.callee().label(), null);
    }

    void answered(Call call) {
        CallInfo info = call.info();
        post(CallEvents.ANSWERED, call.id(), info.caller().label(), info.callee().label(), null);
    }

    void ended(Call call, CallRecord record) {
        calls.remove(call.id());
        writer.add(record);
        LOG.debug("call {} ended: {} by {} ({})", record.id(), record.endReason(), record.endedBy(), record.code());
        post(CallEvents.ENDED, record.id(), record.caller(), record.callee(), record.endReason());
    }

    private void post(String topic, String id, String caller, String callee, String reason) {
        EventAdmin admin = events;
        if (admin == null) {
            return;
        }
        Map<String, Object> props = new HashMap<>();
        props.put(CallEvents.CALL, id);
        props.put(CallEvents.CALLER, caller);
        props.put(CallEvents.CALLEE, callee);
        if (reason != null) {
            props.put(CallEvents.REASON, reason);
        }
        admin.postEvent(new Event(topic, props));
    }

    private static String randomPrefix() {
        SecureRandom random = new SecureRandom();
        StringBuilder sb = new StringBuilder();
        String digits = "0123456789abcdefghijklmnopqrstuvwxyz";
        for (int i = 0; i < 5; i++) {
            sb.append(digits.charAt(random.nextInt(digits.length())));
        }
        return sb.append('-').toString();
    }
}
