package org.patchbay.shell.internal.command;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.patchbay.api.call.CallInfo;
import org.patchbay.api.call.CallRecords;
import org.patchbay.api.call.CallService;
import org.patchbay.api.media.MediaService;
import org.patchbay.api.media.MediaStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code pb:calls}, {@code pb:hangup}, {@code pb:cdr}, {@code pb:dtmf}: live calls and call records, with {@code -v}
 * each leg's media statistics from org.patchbay.media (live, or final in the record); DTMF generated towards a leg. Every reference is optional and dynamic, so the commands stay and say what is
 * missing while org.patchbay.core (or the media engine) is stopped.
 */
@Component(service = CallCommands.class)
@GogoCommand(scope = "pb", function = {"calls", "hangup", "cdr", "dtmf"})
public final class CallCommands {
    static final String UNAVAILABLE = "call service unavailable (bundle org.patchbay.core not active)";
    static final int DEFAULT_RECORDS = 20;
    static final int MAX_RECORDS = 10_000;
    static final int DEFAULT_DTMF_MILLIS = 100;

    private static final Logger LOG = LoggerFactory.getLogger(CallCommands.class);

    private final AtomicReference<CallService> calls = new AtomicReference<>();
    private final AtomicReference<CallRecords> records = new AtomicReference<>();
    private final AtomicReference<MediaService> media = new AtomicReference<>();
    private final Clock clock;

    public CallCommands() {
        this(Clock.systemUTC());
    }

    CallCommands(Clock clock) {
        this.clock = clock;
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindCalls(CallService service) {
        calls.set(service);
    }

    void unbindCalls(CallService service) {
        calls.compareAndSet(service, null);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindMedia(MediaService service) {
        media.set(service);
    }

    void unbindMedia(MediaService service) {
        media.compareAndSet(service, null);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindRecords(CallRecords service) {
        records.set(service);
    }

    void unbindRecords(CallRecords service) {
        records.compareAndSet(service, null);
    }

    @Descriptor("list the live calls: id, caller, callee, state, age and legs, then the live call and leg counts")
    public CallTable calls(
            @Parameter(names = "-v", presentValue = "true", absentValue = "false")
            @Descriptor("also each leg's media: node and party address, direction, packets and bytes both ways, loss, "
                    + "jitter, round-trip time") boolean verbose) {
        CallService s = service("pb:calls");
        List<CallInfo> list = s.calls();
        Map<String, List<MediaStats>> stats = null;
        if (verbose) {
            MediaService m = media.get();
            stats = new HashMap<>();
            for (CallInfo c : list) {
                stats.put(c.id(), m == null ? List.of() : m.stats(c.id()));
            }
        }
        return new CallTable(list, s.liveCalls(), s.liveLegs(), clock.instant(), stats);
    }

    @Descriptor("end a live call cleanly: BYE to both sides when answered, else CANCEL to the callee and 487 to the caller")
    public String hangup(@Descriptor("call id, as pb:calls shows it") String id) {
        if (!service("pb:hangup").hangup(id.strip(), "admin")) {
            throw new CommandFailure("pb:hangup", "no live call '" + TextTable.oneLine(id) + "' (see pb:calls)");
        }
        return "hanging up call " + id.strip();
    }

    @Descriptor("show the 20 most recent call records, newest first")
    public CdrTable cdr(
            @Parameter(names = "-v", presentValue = "true", absentValue = "false")
            @Descriptor("also each leg's outcome and final media: codec, SRTP, packets and bytes both ways, loss, "
                    + "jitter, round-trip time") boolean verbose) {
        return cdr(verbose, DEFAULT_RECORDS);
    }

    @Descriptor("show the most recent call records, newest first")
    public CdrTable cdr(
            @Parameter(names = "-v", presentValue = "true", absentValue = "false")
            @Descriptor("also each leg's outcome and final media") boolean verbose,
            @Descriptor("how many (1.." + MAX_RECORDS + ")") int count) {
        if (count < 1 || count > MAX_RECORDS) {
            throw new CommandFailure("pb:cdr", "count must be 1.." + MAX_RECORDS + ", got " + count);
        }
        CallRecords r = records.get();
        if (r == null) {
            throw new CommandFailure("pb:cdr", UNAVAILABLE);
        }
        try {
            return new CdrTable(r.recent(count), r.count(), verbose);
        } catch (RuntimeException e) {
            LOG.error("pb:cdr failed", e);
            throw new CommandFailure("pb:cdr", "call records unavailable: " + e.getMessage());
        }
    }

    @Descriptor("send DTMF digits to one leg of a live call as RFC 4733 telephone-events in its media (100 ms each)")
    public String dtmf(@Descriptor("call id, as pb:calls shows it") String id,
                       @Descriptor("leg id, or caller, or callee (the answered one)") String leg,
                       @Descriptor("digits: 0-9 * # A-D, at most 32") String digits) {
        return dtmf(id, leg, digits, DEFAULT_DTMF_MILLIS);
    }

    @Descriptor("send DTMF digits to one leg of a live call as RFC 4733 telephone-events in its media")
    public String dtmf(@Descriptor("call id, as pb:calls shows it") String id,
                       @Descriptor("leg id, or caller, or callee (the answered one)") String leg,
                       @Descriptor("digits: 0-9 * # A-D, at most 32") String digits,
                       @Descriptor("each digit's duration, ms (40..2000)") int millis) {
        CallService s = service("pb:dtmf");
        CallInfo call = s.call(id.strip()).orElseThrow(() -> new CommandFailure("pb:dtmf",
                "no live call '" + TextTable.oneLine(id) + "' (see pb:calls)"));
        String legId = legId(call, leg.strip());
        if (legId == null) {
            throw new CommandFailure("pb:dtmf", "call " + call.id() + " has no leg '" + TextTable.oneLine(leg)
                    + "' (a leg id from pb:calls, caller, or callee once answered)");
        }
        MediaService m = media.get();
        if (m == null) {
            throw new CommandFailure("pb:dtmf", "media engine unavailable (bundle org.patchbay.media not active)");
        }
        boolean sent;
        try {
            sent = m.sendDtmf(call.id(), legId, digits.strip(), millis);
        } catch (IllegalArgumentException | IllegalStateException | UnsupportedOperationException e) {
            throw new CommandFailure("pb:dtmf", TextTable.oneLine(e.getMessage()));
        }
        if (!sent) {
            throw new CommandFailure("pb:dtmf", "the media engine anchors no leg " + legId + " of call " + call.id());
        }
        return "sending DTMF " + digits.strip() + " to leg " + legId + " of call " + call.id();
    }

    /** A leg id of the call: as given, or {@code caller}, or {@code callee} (the answered callee leg). */
    static String legId(CallInfo call, String leg) {
        List<CallInfo.LegInfo> legs = call.legs();
        if (leg.equals("caller")) {
            return legs.isEmpty() ? null : legs.get(0).id();
        }
        if (leg.equals("callee")) {
            return legs.stream().skip(1).filter(l -> l.state().equals("answered")).map(CallInfo.LegInfo::id)
                    .findFirst().orElse(null);
        }
        return legs.stream().map(CallInfo.LegInfo::id).filter(leg::equals).findFirst().orElse(null);
    }

    private CallService service(String command) {
        CallService s = calls.get();
        if (s == null) {
            throw new CommandFailure(command, UNAVAILABLE);
        }
        return s;
    }
}
