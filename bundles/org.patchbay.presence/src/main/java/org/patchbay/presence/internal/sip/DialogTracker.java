package org.patchbay.presence.internal.sip;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.patchbay.api.call.CallInfo;
import org.patchbay.api.identity.Aor;

/**
 * The calls each user takes part in, as dialog event package states (RFC 4235): trying, early, confirmed, terminated.
 * Fed from the core's call events on the notifier thread only; a terminated dialog is reported once, then forgotten.
 */
final class DialogTracker {

    /** One call of a user: {@code direction} initiator (the user called) or recipient. */
    record UserDialog(String id, String direction, String state, String remote) {
    }

    private final Map<Aor, Map<String, UserDialog>> byUser = new ConcurrentHashMap<>();

    /**
     * Records a call state for both parties; returns the users whose dialogs changed. A recipient has no
     * {@code trying} state: its dialog appears when its device rings ({@code early}).
     */
    List<Aor> update(String callId, String caller, String callee, String state) {
        List<Aor> changed = new ArrayList<>();
        put(parse(caller), new UserDialog(callId, "initiator", state, uri(callee)), changed);
        if (!state.equals("trying")) {
            put(parse(callee), new UserDialog(callId, "recipient", state, uri(caller)), changed);
        }
        return changed;
    }

    /** Seeds the tracker from the live calls (after a restart of this component). */
    void seed(List<CallInfo> calls) {
        for (CallInfo c : calls) {
            String state = switch (c.state()) {
                case "ringing" -> "early";
                case "answered" -> "confirmed";
                case "ending" -> "terminated";
                default -> "trying";
            };
            update(c.id(), c.caller().label(), c.callee() == null ? "" : c.callee().label(), state);
        }
    }

    /** The user's dialogs now. */
    List<UserDialog> dialogs(Aor user) {
        Map<String, UserDialog> m = byUser.get(user);
        return m == null ? List.of() : List.copyOf(m.values());
    }

    /** Forgets the user's terminated dialogs (after they were reported). */
    void dropTerminated(Aor user) {
        Map<String, UserDialog> m = byUser.get(user);
        if (m != null) {
            m.values().removeIf(d -> d.state().equals("terminated"));
            if (m.isEmpty()) {
                byUser.remove(user);
            }
        }
    }

    private void put(Aor user, UserDialog d, List<Aor> changed) {
        if (user == null) {
            return;
        }
        Map<String, UserDialog> m = byUser.computeIfAbsent(user, u -> Collections.synchronizedMap(new LinkedHashMap<>()));
        UserDialog before = m.get(d.id());
        if (before == null && d.state().equals("terminated")) {
            // a call that never reached this user's tracker (e.g. started before a restart): report it ended once
            m.put(d.id(), d);
            changed.add(user);
            return;
        }
        if (before != null && rank(d.state()) < rank(before.state())) {
            // events posted from different threads may cross: a dialog state never goes back
            return;
        }
        if (!d.equals(before)) {
            m.put(d.id(), d);
            changed.add(user);
        }
    }

    private static int rank(String state) {
        return switch (state) {
            case "trying" -> 0;
            case "early" -> 1;
            case "confirmed" -> 2;
            default -> 3;
        };
    }

    private static Aor parse(String label) {
        try {
            return label == null || label.isEmpty() ? null : Aor.parse(label);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String uri(String label) {
        if (label == null || label.isEmpty()) {
            return "";
        }
        return label.startsWith("sip:") || label.startsWith("sips:") || label.startsWith("tel:") ? label : "sip:" + label;
    }

    /** The dialog-info document (full state) for {@code user} with {@code version}. */
    static String dialogInfo(Aor user, int version, List<UserDialog> dialogs) {
        StringBuilder sb = new StringBuilder(256);
        sb.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        sb.append("<dialog-info xmlns=\"urn:ietf:params:xml:ns:dialog-info\" version=\"").append(version)
                .append("\" state=\"full\" entity=\"sip:").append(Pidf.xml(user.toString())).append("\">\n");
        for (UserDialog d : dialogs) {
            sb.append(" <dialog id=\"").append(Pidf.xml(d.id())).append("\" direction=\"").append(d.direction())
                    .append("\">\n");
            sb.append("  <state>").append(d.state()).append("</state>\n");
            sb.append("  <local><identity>sip:").append(Pidf.xml(user.toString())).append("</identity></local>\n");
            if (!d.remote().isEmpty()) {
                sb.append("  <remote><identity>").append(Pidf.xml(d.remote())).append("</identity></remote>\n");
            }
            sb.append(" </dialog>\n");
        }
        sb.append("</dialog-info>\n");
        return sb.toString();
    }
}
