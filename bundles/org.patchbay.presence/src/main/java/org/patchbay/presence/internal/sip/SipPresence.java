package org.patchbay.presence.internal.sip;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import javax.sip.DialogTerminatedEvent;
import javax.sip.message.Request;
import javax.sip.message.Response;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.patchbay.api.call.CallEvents;
import org.patchbay.api.call.CallService;
import org.patchbay.api.identity.Aor;
import org.patchbay.api.identity.Directory;
import org.patchbay.api.presence.PresenceListener;
import org.patchbay.api.presence.PresenceService;
import org.patchbay.api.presence.PresenceState;
import org.patchbay.api.store.Database;
import org.patchbay.presence.internal.core.PresenceConfig;
import org.patchbay.presence.internal.core.PresenceStore;
import org.patchbay.sip.spi.SipDialogListener;
import org.patchbay.sip.spi.SipExchange;
import org.patchbay.sip.spi.SipNode;
import org.patchbay.sip.spi.SipRequestHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIP presence: PUBLISH and SUBSCRIBE/NOTIFY for {@code presence} and {@code dialog} (BLF). Lives as long as the SIP
 * stack ({@link SipNode}): when the stack or this bundle stops, every subscriber gets NOTIFY
 * {@code terminated;reason=deactivated} and re-subscribes to the next stack.
 */
@Component(service = {SipRequestHandler.class, PresenceListener.class, EventHandler.class}, immediate = true,
        configurationPid = PresenceConfig.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = {SipRequestHandler.METHODS + "=SUBSCRIBE", SipRequestHandler.METHODS + "=PUBLISH",
                SipRequestHandler.ACCEPT + "=application/pidf+xml",
                EventConstants.EVENT_TOPIC + "=" + CallEvents.ALL})
public final class SipPresence implements SipRequestHandler, SipDialogListener, PresenceListener, EventHandler {

    private static final Logger LOG = LoggerFactory.getLogger(SipPresence.class);

    private final ScheduledThreadPoolExecutor executor;
    private final DialogTracker tracker = new DialogTracker();
    private final PublishHandler publish;
    private final Notifier notifier;

    @Activate
    public SipPresence(@Reference SipNode node, @Reference PresenceService presence, @Reference Directory directory,
            @Reference Database database, @Reference CallService calls, PresenceConfig config) {
        Clock clock = Clock.systemUTC();
        executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "pb-presence-sip");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        // the presence core (a mandatory reference) has migrated the schema
        PresenceStore store = new PresenceStore(database.dataSource());
        publish = new PublishHandler(node, presence, config, clock);
        notifier = new Notifier(node, presence, directory, store, config, tracker, executor, clock, this);
        executor.execute(() -> {
            tracker.seed(calls.calls());
            new RestartRecovery(node, store, clock).run();
        });
        executor.scheduleWithFixedDelay(notifier::sweep, 1, 1, TimeUnit.SECONDS);
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        executor.shutdown();
        if (!executor.awaitTermination(2, TimeUnit.SECONDS)) {
            executor.shutdownNow();
        }
        int n = notifier.size();
        notifier.endAll("terminated;reason=deactivated");
        if (n > 0) {
            LOG.info("presence: {} subscriptions ended (deactivated) as SIP presence stops", n);
        }
    }

    @Override
    public void handle(SipExchange ex) throws Exception {
        Request req = ex.request();
        switch (req.getMethod()) {
            case Request.PUBLISH -> publish.handle(ex);
            case Request.SUBSCRIBE -> {
                if (ex.event().getDialog() != null && ex.event().getDialog().getApplicationData() == this) {
                    notifier.resubscribe(ex);
                } else if (hasToTag(req)) {
                    ex.respond(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST);
                } else {
                    notifier.subscribe(ex);
                }
            }
            default -> ex.respond(Response.METHOD_NOT_ALLOWED);
        }
    }

    private static boolean hasToTag(Request req) {
        javax.sip.header.ToHeader to = (javax.sip.header.ToHeader) req.getHeader(javax.sip.header.ToHeader.NAME);
        return to != null && to.getTag() != null;
    }

    @Override
    public void dialogTerminated(DialogTerminatedEvent event) {
        later(() -> notifier.dialogGone(event.getDialog()));
    }

    @Override
    public void presenceChanged(PresenceState state) {
        later(() -> notifier.presenceChanged(state.aor()));
    }

    @Override
    public void handleEvent(Event event) {
        String state = switch (event.getTopic()) {
            case CallEvents.STARTED -> "trying";
            case CallEvents.RINGING -> "early";
            case CallEvents.ANSWERED -> "confirmed";
            case CallEvents.ENDED -> "terminated";
            default -> null;
        };
        if (state == null) {
            return;
        }
        String id = String.valueOf(event.getProperty(CallEvents.CALL));
        String caller = (String) event.getProperty(CallEvents.CALLER);
        String callee = (String) event.getProperty(CallEvents.CALLEE);
        later(() -> {
            List<Aor> changed = tracker.update(id, caller, callee, state);
            for (Aor user : changed) {
                notifier.dialogsChanged(user);
                tracker.dropTerminated(user);
            }
        });
    }

    private void later(Runnable r) {
        try {
            executor.execute(r);
        } catch (RejectedExecutionException e) {
            // stopping: the final NOTIFYs carry the last state
        }
    }
}
