package org.patchbay.api.call;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A snapshot of a live call.
 *
 * @param id       call id
 * @param caller   who called
 * @param callee   who was called
 * @param state    {@code routing}, {@code ringing}, {@code answered}, {@code ending}
 * @param started  when the call arrived
 * @param answered when it was answered, or null
 * @param legs     the legs, caller's first
 */
public record CallInfo(String id, Party caller, Party callee, String state, Instant started, Instant answered,
                       List<LegInfo> legs) {

    public CallInfo {
        legs = List.copyOf(legs);
    }

    /** One leg of a live call: its id, adapter, party, state and protocol details. */
    public record LegInfo(String id, String adapter, Party party, String state, Map<String, String> details) {
        public LegInfo {
            details = Map.copyOf(details);
        }
    }
}
