package org.patchbay.media.internal.relay;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.patchbay.api.media.MediaStats;
import org.patchbay.media.internal.sdp.Codecs;

/**
 * The endpoints of one call, all on one {@link MediaLoop}. Changed on the call's signalling thread (the core calls the
 * hook serially per call); read by the loop and by statistics requests. Adding and removing are synchronized all the
 * same, so that the array of legs the loop iterates always ends up matching the map.
 */
final class MediaCall {
    private static final Endpoint[] NONE = {};
    private final String id;
    private final MediaLoop loop;
    private final Map<String, Endpoint> legs = new ConcurrentHashMap<>();
    // the values of legs, replaced after every change: the loop's checks iterate it without allocating
    private volatile Endpoint[] legArray = NONE;
    private final Map<String, List<Codecs.Format>> offered = new ConcurrentHashMap<>();
    private volatile long quietSince = System.nanoTime();
    private volatile boolean ended;

    MediaCall(String id, MediaLoop loop) {
        this.id = id;
        this.loop = loop;
    }

    String id() {
        return id;
    }

    MediaLoop loop() {
        return loop;
    }

    Endpoint leg(String legId) {
        return legs.get(legId);
    }

    synchronized void add(Endpoint e) {
        legs.put(e.legId(), e);
        legArray = legs.values().toArray(NONE);
    }

    /** Notes the audio formats of the latest offer {@code legId}'s party made (to answer it in its own codec). */
    void offered(String legId, List<Codecs.Format> formats) {
        offered.put(legId, List.copyOf(formats));
    }

    /** The formats of the latest offer from {@code legId}'s party; empty when it made none. */
    List<Codecs.Format> offered(String legId) {
        return offered.getOrDefault(legId, List.of());
    }

    /**
     * Takes a leg out of the call (signalling thread): legs that pointed at it point at another leg that points at them
     * and has SDP, else nowhere, so its media stops at once.
     */
    synchronized Endpoint remove(String legId) {
        Endpoint gone = legs.remove(legId);
        offered.remove(legId);
        if (gone == null) {
            return null;
        }
        legArray = legs.values().toArray(NONE);
        for (Endpoint e : legs.values()) {
            if (e.peer() == gone) {
                Endpoint next = null;
                for (Endpoint c : legs.values()) {
                    if (c != e && c.peer() == e && c.description() != null) {
                        next = c;
                    }
                }
                e.peer(next);
            }
        }
        gone.peer(null);
        return gone;
    }

    /** A copy of the endpoints (release paths). */
    List<Endpoint> endpoints() {
        return new ArrayList<>(legs.values());
    }

    /**
     * The endpoints as of the last change, without a copy: for the loop's once-a-second checks, which must not
     * allocate. Never modify the array.
     */
    Endpoint[] legs() {
        return legArray;
    }

    int size() {
        return legs.size();
    }

    List<MediaStats> stats() {
        List<MediaStats> list = new ArrayList<>();
        legs.values().forEach(e -> list.add(e.stats()));
        list.sort(java.util.Comparator.comparing(MediaStats::legId));
        return list;
    }

    /** The media path changed (new SDP): the timeout counts from now. */
    void restartClock() {
        quietSince = System.nanoTime();
    }

    /**
     * Nanoseconds since media was last expected and seen: the newest packet (RTP or RTCP) from any paired leg, or the
     * last change of the media path; 0 while media is not expected: no pair yet, or a paired leg on hold in any
     * direction (a holding phone often sends nothing, not even RTCP, however its SDP says sendonly).
     */
    long silentFor(long now) {
        boolean expected = false;
        boolean held = false;
        long last = quietSince;
        for (Endpoint e : legArray) {
            if (!e.paired()) {
                continue;
            }
            expected = true;
            held |= e.held();
            last = Math.max(last, e.lastPacket());
        }
        if (!expected || held) {
            quietSince = now;
            return 0;
        }
        return now - last;
    }

    boolean markEnded() {
        boolean was = ended;
        ended = true;
        return !was;
    }

    boolean ended() {
        return ended;
    }
}
