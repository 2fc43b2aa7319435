package org.patchbay.api.media;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/** What the media engine knows about the calls it anchors. Thread-safe; never blocks on the network. */
@ProviderType
public interface MediaService {

    /** Statistics of every leg of call {@code callId} the engine holds an endpoint for; empty when none. */
    List<MediaStats> stats(String callId);

    /** Number of calls and of leg endpoints currently held. */
    int calls();

    int endpoints();

    /**
     * Generates DTMF towards one leg: each digit as an RFC 4733 telephone-event (start packet with the marker bit, a
     * packet every 50 ms with the growing duration, three end packets) in the stream the engine sends that leg's
     * party, with that stream's SSRC and sequence numbers, the payload type and clock rate the party negotiated for
     * telephone-event; SRTP-protected on WebRTC and SDES legs. Digits follow each other with a pause. Returns at once;
     * the packets go out over the next {@code digits × (durationMillis + pause)} ms.
     *
     * @param digits         {@code 0-9 * # A-D}, 1 to 32 of them
     * @param durationMillis each digit's duration, 40..2000 ms (rounded to 50 ms steps)
     * @return false when the engine anchors no such call or leg
     * @throws IllegalArgumentException bad digits or duration
     * @throws IllegalStateException    the leg cannot take RFC 4733: its party did not negotiate telephone-event (e.g. a
     *                                  browser whose SDP lacks it), or receives no media (on hold, no SDP yet);
     *                                  the message says which
     * @throws UnsupportedOperationException an engine older than 1.3 (the default)
     * @since 1.3
     */
    default boolean sendDtmf(String callId, String legId, String digits, int durationMillis) {
        throw new UnsupportedOperationException("this media engine cannot generate DTMF");
    }
}
