package org.patchbay.media.internal.relay;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.patchbay.api.media.MediaStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The endpoints of the anchored legs from opening to release: a new leg gets a port pair from the pool and is
 * registered with its call's loop; a released call or leg gives its final statistics at once (on the caller's
 * thread), and its channels are closed and its ports returned to the pool later, on the call's loop thread. After
 * {@link #close} nothing is opened and releases schedule nothing: the engine's close frees every port ({@link #free}).
 */
final class Anchors {
    private static final Logger LOG = LoggerFactory.getLogger(MediaEngine.class); // the engine's log lines as before

    private final PortPool pool;
    private final String address;
    private final AtomicInteger endpoints = new AtomicInteger();
    private final Object lifecycle = new Object();
    private boolean closed; // guarded by lifecycle

    /** @param address the node's address written into SDP */
    Anchors(PortPool pool, String address) {
        this.pool = pool;
        this.address = address;
    }

    /**
     * A new endpoint for {@code legId} in {@code call}, registered with the call's loop.
     *
     * @param dtmf where the endpoint reports RFC 4733 digits its party sends to a browser
     * @throws IllegalStateException after {@link #close}
     * @throws org.patchbay.api.media.MediaUnavailableException no free port pair
     */
    Endpoint open(MediaCall call, String legId, Endpoint.DtmfSink dtmf) {
        synchronized (lifecycle) {
            if (closed) {
                throw new IllegalStateException("media engine stopped");
            }
            Endpoint e = new Endpoint(legId, pool.allocate(), address);
            e.dtmf(dtmf);
            call.add(e);
            endpoints.incrementAndGet();
            if (call.size() == 1) {
                call.loop().adopt(call);
            }
            call.loop().register(e);
            return e;
        }
    }

    /**
     * {@link MediaEngine#releaseCall} of a call already taken out of the engine: each remaining leg's final
     * statistics, taken before the ports close (on the call's loop thread, later).
     */
    List<MediaStats> releaseCall(MediaCall call) {
        call.markEnded();
        call.loop().forget(call);
        List<MediaStats> stats = call.stats();
        LOG.debug("call {}: media released: {}", call.id(), stats);
        synchronized (lifecycle) {
            if (!closed) { // else close() frees every port
                call.loop().execute(() -> free(call, call.endpoints()));
            }
        }
        return stats;
    }

    /**
     * {@link MediaEngine#releaseLeg}: the leg's final statistics, or null when it has no endpoint; its ports close
     * on the call's loop thread, later.
     */
    MediaStats releaseLeg(MediaCall call, String legId) {
        Endpoint e = legId == null ? null : call.remove(legId);
        if (e == null) {
            return null;
        }
        MediaStats stats = e.stats();
        LOG.debug("call {}: media of leg {} released: {}", call.id(), legId, stats);
        synchronized (lifecycle) {
            if (!closed) {
                call.loop().execute(() -> free(call, List.of(e)));
            }
        }
        return stats;
    }

    /** Closes the endpoints' channels and returns their ports to the pool (on the call's loop thread, or after it). */
    void free(MediaCall call, List<Endpoint> list) {
        for (Endpoint e : list) {
            WebRtcLeg w = e.webrtc();
            if (w != null) {
                w.close();
            }
            PortPool.close(e.rtp());
            PortPool.close(e.rtcp());
        }
        call.loop().dropClosed(); // the ports are really closed only now; then they may be handed out again
        for (Endpoint e : list) {
            pool.release(e.ports());
            endpoints.decrementAndGet();
        }
    }

    /** From now on nothing is opened and releases leave the freeing to the engine's close. */
    void close() {
        synchronized (lifecycle) {
            closed = true;
        }
    }

    int endpoints() {
        return endpoints.get();
    }

    int portsInUse() {
        return pool.inUse();
    }

    int portCapacity() {
        return pool.capacity();
    }
}
