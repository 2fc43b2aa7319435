package org.patchbay.core.internal.call;

import java.util.HashMap;
import java.util.Map;

import org.patchbay.api.call.LegSignal;
import org.patchbay.api.media.MediaHook;

/**
 * Re-INVITE/UPDATE ({@code Modify}) and INFO, and their answers, between the two legs of an answered call: a request
 * goes on under a txn of the call's own and its answer comes back under the sender's txn. One Modify at a time per
 * call (glare: 491); a DTMF INFO that the media engine sends as RFC 4733 is answered here. Call executor only.
 */
final class MidSessionRelay {

    /** A Modify on its way: who sent it, with which txn, and the txn the other side answers. */
    private record PendingModify(CallLeg from, String fromTxn, String toTxn) {
    }

    private record Pending(CallLeg from, String fromTxn) {
    }

    private final CallMedia media;
    private PendingModify modify;
    private final Map<String, Pending> infos = new HashMap<>();
    private int txns;

    MidSessionRelay(CallMedia media) {
        this.media = media;
    }

    /** Relays {@code s} to {@code to}, the other leg of the answered call; null when the call is not answered. */
    void relay(CallLeg from, CallLeg to, LegSignal s) {
        if (to == null) {
            if (s instanceof LegSignal.Modify m) {
                from.send(new LegSignal.ModifyResult(m.txn(), 491, Outcome.phrase(491), null));
            } else if (s instanceof LegSignal.Info i) {
                from.send(new LegSignal.InfoResult(i.txn(), 481, "Call Does Not Exist"));
            }
            return;
        }
        if (s instanceof LegSignal.Modify m) {
            if (modify != null) {
                from.send(new LegSignal.ModifyResult(m.txn(), 491, Outcome.phrase(491), null));
                return;
            }
            String txn = "m" + (++txns);
            modify = new PendingModify(from, m.txn(), txn);
            to.send(new LegSignal.Modify(txn, m.kind(), media.sdp(from, to, MediaHook.Kind.OFFER, m.sdp())));
        } else if (s instanceof LegSignal.ModifyResult r) {
            PendingModify p = modify;
            if (p != null && p.toTxn().equals(r.txn()) && p.from() != from) {
                modify = null;
                p.from().send(new LegSignal.ModifyResult(p.fromTxn(), r.code(), r.reason(),
                        media.sdp(from, p.from(), MediaHook.Kind.ANSWER, r.sdp())));
            }
        } else if (s instanceof LegSignal.Info i) {
            if (media.dtmf(from, to, i)) {
                from.send(new LegSignal.InfoResult(i.txn(), 200, "OK")); // sent as RFC 4733 by the media engine
                return;
            }
            String txn = "i" + (++txns);
            infos.put(txn, new Pending(from, i.txn()));
            to.send(new LegSignal.Info(txn, i.contentType(), i.body()));
        } else if (s instanceof LegSignal.InfoResult r) {
            Pending p = infos.remove(r.txn());
            if (p != null && p.from() != from) {
                p.from().send(new LegSignal.InfoResult(p.fromTxn(), r.code(), r.reason()));
            }
        }
    }

    /** An INFO of the node's own (CallService.info) to a leg of the answered call; its answer is dropped. */
    void nodeInfo(CallLeg to, String contentType, byte[] body) {
        to.send(new LegSignal.Info("n" + (++txns), contentType, body));
    }
}
