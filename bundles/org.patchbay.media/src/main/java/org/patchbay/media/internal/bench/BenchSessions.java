package org.patchbay.media.internal.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import org.patchbay.api.media.MediaHook;
import org.patchbay.api.media.MediaUnavailableException;
import org.patchbay.media.internal.srtp.SdesCrypto;

/**
 * The bench hook's sessions: each one is a two-leg call anchored through {@link MediaHook} exactly as the core anchors
 * a SIP call (offer from leg a to leg b, answer from b to a), so the relay path, the port allocation and the per-packet
 * work are those of a real plain-RTP call. Speaks the JSON of the media bench kit:
 *
 * <pre>
 * POST   {"codec": "PCMU/8000", "ptime": 20, "legs": [{"id": "c0", "a": {"addr": "127.0.0.1:10000", "srtp": null},
 *                                                               "b": {"addr": "127.0.0.1:10002", "srtp": null}}]}
 *     -&gt; {"pid": 123, "sessions": [{"id": "c0", "a": {"relay": "127.0.0.1:20000", "srtp": null},
 *                                              "b": {"relay": "127.0.0.1:20002", "srtp": null}}]}
 * DELETE {"ids": ["c0"]}  -&gt; {"deleted": 1}
 * </pre>
 *
 * A leg with {@code "srtp": "AES_CM_128_HMAC_SHA1_80:<base64 key||salt>"} (the key the generator protects with) offers
 * {@code RTP/SAVP} with that {@code a=crypto}, and the node terminates SDES on it ({@link Sdes}): it decrypts what the
 * leg sends and encrypts what the leg gets with a fresh key of its own, returned as that leg's {@code srtp}. So an SRTP
 * leg and a plain leg make an SRTP-to-RTP call, as the kit's {@code --srtp a} expects.
 */
public final class BenchSessions {
    /** Call ids of bench sessions carry this prefix, so they never collide with the core's call ids. */
    static final String CALL_PREFIX = "bench-";

    private static final int MAX_ID = 64;

    /** A refused request: HTTP status and a one-line reason. */
    public static final class BenchException extends Exception {
        private static final long serialVersionUID = 1L;
        private final int status;

        BenchException(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /** The engine's SDES termination on one leg ({@code MediaEngine.terminateSdes}). */
    public interface Sdes {
        /** @return the node's {@code a=crypto:...} attribute for the leg, or null when SDES cannot be terminated */
        String terminate(String callId, String legId, String sdp);
    }

    /** One leg: the generator's address and, for an SRTP leg, the generator's key as an SDES attribute value. */
    private record Side(String addr, SdesCrypto srtp) {
    }

    private record Leg(String id, Side a, Side b) {
    }

    private final MediaHook media;
    private final Sdes sdes;
    private final long pid;
    private final Map<String, Boolean> live = new ConcurrentHashMap<>();

    /** Plain RTP legs only (an {@code srtp} key is refused). */
    public BenchSessions(MediaHook media, long pid) {
        this(media, null, pid);
    }

    /** @param sdes terminates SDES on SRTP legs; null: SRTP legs are refused */
    public BenchSessions(MediaHook media, Sdes sdes, long pid) {
        this.media = media;
        this.sdes = sdes;
        this.pid = pid;
    }

    /** Number of live bench sessions. */
    public int size() {
        return live.size();
    }

    /** {@code POST {hook}/sessions}: creates every session of the request, or none. */
    public JsonObject create(String body) throws BenchException {
        JsonObject req = object(body);
        String codec = req.has("codec") && !req.get("codec").isJsonNull() ? string(req, "codec") : "PCMU/8000";
        int pt = switch (codec.toUpperCase(java.util.Locale.ROOT)) {
            case "PCMU/8000" -> 0;
            case "PCMA/8000" -> 8;
            default -> throw new BenchException(400, "codec: only PCMU/8000 and PCMA/8000, got " + codec);
        };
        int ptime = 20;
        if (req.has("ptime") && !req.get("ptime").isJsonNull()) {
            try {
                ptime = req.get("ptime").getAsInt();
            } catch (RuntimeException e) {
                throw new BenchException(400, "ptime: not a number");
            }
            if (ptime < 10 || ptime > 200) {
                throw new BenchException(400, "ptime: 10..200 ms, got " + ptime);
            }
        }
        List<Leg> legs = legs(req);
        if (sdes == null && legs.stream().anyMatch(l -> l.a().srtp() != null || l.b().srtp() != null)) {
            throw new BenchException(400, "srtp: SRTP legs need the node's media engine, which is not available");
        }
        List<String> created = new ArrayList<>(legs.size());
        JsonArray sessions = new JsonArray();
        try {
            for (Leg leg : legs) {
                if (live.putIfAbsent(leg.id(), Boolean.TRUE) != null) {
                    throw new BenchException(409, "session " + leg.id() + " exists already");
                }
                created.add(leg.id());
                String call = CALL_PREFIX + leg.id();
                String fromA = sdp(leg.a(), pt, codec, ptime);
                String fromB = sdp(leg.b(), pt, codec, ptime);
                String towardB = media.sdpFor(call, "a", "b", MediaHook.Kind.OFFER, fromA);
                String towardA = media.sdpFor(call, "b", "a", MediaHook.Kind.ANSWER, fromB);
                JsonObject s = new JsonObject();
                s.addProperty("id", leg.id());
                s.add("a", relay(towardA, srtp(call, "a", leg.a(), fromA)));
                s.add("b", relay(towardB, srtp(call, "b", leg.b(), fromB)));
                sessions.add(s);
            }
        } catch (BenchException | RuntimeException e) {
            delete(created);
            if (e instanceof MediaUnavailableException) {
                throw new BenchException(503, "no media ports left after " + (created.size() - 1) + " sessions: "
                        + e.getMessage());
            }
            throw e;
        }
        JsonObject out = new JsonObject();
        out.addProperty("pid", pid);
        out.add("sessions", sessions);
        return out;
    }

    /** {@code DELETE {hook}/sessions}: releases the named sessions; unknown ids are skipped (not counted). */
    public JsonObject delete(String body) throws BenchException {
        JsonObject req = object(body);
        JsonElement ids = req.get("ids");
        if (ids == null || !ids.isJsonArray()) {
            throw new BenchException(400, "ids: a list of session ids is required");
        }
        List<String> list = new ArrayList<>();
        for (JsonElement e : ids.getAsJsonArray()) {
            if (!e.isJsonPrimitive()) {
                throw new BenchException(400, "ids: strings expected");
            }
            list.add(e.getAsString());
        }
        JsonObject out = new JsonObject();
        out.addProperty("deleted", delete(list));
        return out;
    }

    /** Releases every live session (the hook stopping). */
    public void clear() {
        delete(new ArrayList<>(live.keySet()));
    }

    private int delete(List<String> ids) {
        int n = 0;
        for (String id : ids) {
            if (live.remove(id) != null) {
                media.release(CALL_PREFIX + id);
                n++;
            }
        }
        return n;
    }

    private static JsonObject object(String body) throws BenchException {
        try {
            JsonElement e = JsonParser.parseString(body == null ? "" : body);
            if (!e.isJsonObject()) {
                throw new BenchException(400, "body: a JSON object is required");
            }
            return e.getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            throw new BenchException(400, "body: not JSON (" + e.getMessage() + ")");
        }
    }

    private static List<Leg> legs(JsonObject req) throws BenchException {
        JsonElement legs = req.get("legs");
        if (legs == null || !legs.isJsonArray() || legs.getAsJsonArray().isEmpty()) {
            throw new BenchException(400, "legs: a non-empty list is required");
        }
        List<Leg> out = new ArrayList<>();
        for (JsonElement e : legs.getAsJsonArray()) {
            if (!e.isJsonObject()) {
                throw new BenchException(400, "legs: objects expected");
            }
            JsonObject o = e.getAsJsonObject();
            String id = string(o, "id");
            if (id.isEmpty() || id.length() > MAX_ID || !id.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                throw new BenchException(400, "legs: bad session id");
            }
            out.add(new Leg(id, side(o, id, "a"), side(o, id, "b")));
        }
        return out;
    }

    private static Side side(JsonObject leg, String id, String side) throws BenchException {
        JsonElement e = leg.get(side);
        if (e == null || !e.isJsonObject()) {
            throw new BenchException(400, "session " + id + ": leg " + side + " missing");
        }
        JsonObject o = e.getAsJsonObject();
        SdesCrypto srtp = null;
        if (o.has("srtp") && !o.get("srtp").isJsonNull()) {
            String key = string(o, "srtp");
            int colon = key.indexOf(':');
            try {
                if (colon <= 0) {
                    throw new IllegalArgumentException("SUITE:<base64 key||salt> expected");
                }
                srtp = SdesCrypto.parse("crypto:1 " + key.substring(0, colon) + " inline:" + key.substring(colon + 1));
            } catch (IllegalArgumentException x) {
                throw new BenchException(400, "session " + id + ": leg " + side + " srtp: " + x.getMessage());
            }
        }
        return new Side(addr(o, id, side), srtp);
    }

    private static String addr(JsonObject o, String id, String side) throws BenchException {
        String addr = string(o, "addr");
        int colon = addr.lastIndexOf(':');
        if (colon <= 0 || !addr.substring(0, colon).matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            throw new BenchException(400, "session " + id + ": leg " + side + " addr must be IPv4:port, got " + addr);
        }
        int port;
        try {
            port = Integer.parseInt(addr.substring(colon + 1));
        } catch (NumberFormatException x) {
            port = -1;
        }
        if (port < 1 || port > 65535) {
            throw new BenchException(400, "session " + id + ": leg " + side + " port out of range: " + addr);
        }
        return addr;
    }

    private static String string(JsonObject o, String key) throws BenchException {
        JsonElement e = o.get(key);
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw new BenchException(400, key + ": a string is required");
        }
        return e.getAsString();
    }

    /** The SDP a phone at {@code addr} would offer or answer: plain RTP, or SDES-SRTP with the side's key. */
    private static String sdp(Side side, int pt, String codec, int ptime) {
        return sdp(side.addr(), pt, codec, ptime, side.srtp() == null ? null : "a=" + side.srtp().format());
    }

    /** The SDP a plain-RTP phone ({@code crypto} null) or an SDES-SRTP phone at {@code addr} would offer or answer. */
    static String sdp(String addr, int pt, String codec, int ptime, String crypto) {
        int colon = addr.lastIndexOf(':');
        String host = addr.substring(0, colon);
        String port = addr.substring(colon + 1);
        return "v=0\r\no=- 1 1 IN IP4 " + host + "\r\ns=-\r\nc=IN IP4 " + host + "\r\nt=0 0\r\n"
                + "m=audio " + port + (crypto == null ? " RTP/AVP " : " RTP/SAVP ") + pt + " 101\r\n"
                + "a=rtpmap:" + pt + " " + codec + "\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n"
                + "a=ptime:" + ptime + "\r\na=sendrecv\r\n" + (crypto == null ? "" : crypto + "\r\n");
    }

    /** SDES terminated on an SRTP side: the key the node protects with towards it ({@code SUITE:base64}), else null. */
    private String srtp(String call, String leg, Side side, String sdp) {
        if (side.srtp() == null) {
            return null;
        }
        String ours = sdes.terminate(call, leg, sdp);
        if (ours == null) {
            throw new IllegalStateException("the media engine did not take the SDES key of leg " + leg);
        }
        SdesCrypto c = SdesCrypto.parse(ours);
        byte[] keySalt = new byte[c.masterKey().length + c.masterSalt().length];
        System.arraycopy(c.masterKey(), 0, keySalt, 0, c.masterKey().length);
        System.arraycopy(c.masterSalt(), 0, keySalt, c.masterKey().length, c.masterSalt().length);
        return c.profile().sdesName() + ":" + java.util.Base64.getEncoder().encodeToString(keySalt);
    }

    /** The relay address of a rewritten SDP: its connection address and first audio port; {@code srtp} as given. */
    static JsonObject relay(String sdp, String srtp) {
        String host = null;
        String port = null;
        for (String line : sdp.split("\r?\n")) {
            if (line.startsWith("c=IN IP4 ") && host == null) {
                host = line.substring(9).strip();
            } else if (line.startsWith("m=audio ") && port == null) {
                port = line.split(" ")[1];
            }
        }
        if (host == null || port == null) {
            throw new IllegalStateException("media engine returned an SDP without audio address");
        }
        JsonObject o = new JsonObject();
        o.addProperty("relay", host + ":" + port);
        if (srtp == null) {
            o.add("srtp", JsonNull.INSTANCE);
        } else {
            o.addProperty("srtp", srtp);
        }
        return o;
    }
}
