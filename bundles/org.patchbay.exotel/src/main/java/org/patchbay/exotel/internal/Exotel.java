package org.patchbay.exotel.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import org.patchbay.api.call.CallInfo;
import org.patchbay.api.call.CallRecord;
import org.patchbay.api.call.CallRecords;
import org.patchbay.api.call.CallService;
import org.patchbay.api.call.Originate;
import org.patchbay.api.call.Party;
import org.patchbay.api.identity.Aor;
import org.patchbay.api.identity.Directory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the Exotel bundle does, without OSGi: accounts and their users, authentication, call-connect over
 * {@link CallService#originate}, following each call's status from the core (live call, then its record), and the
 * status callbacks. Holds no call state of its own that the store and the core cannot give back: a new instance (after
 * a bundle update or a node restart) picks up every open call from the store.
 */
final class Exotel {
    static final String CALLSID_HEADER = "X-Exotel-Callsid";
    /** Polls of the core after which a call that is neither live nor recorded is taken as failed (node restarted). */
    static final int MISSES_TO_FAIL = 5;

    private static final Logger LOG = LoggerFactory.getLogger(Exotel.class);
    private static final Pattern SID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    private final ExotelStore store;
    private final Settings settings;
    private final CallService calls;
    private final CallRecords records;
    private final Directory directory;
    private final Clock clock;
    private final Throttle throttle;
    private final Map<String, Integer> misses = new ConcurrentHashMap<>();
    private final Map<String, Long> nextAttempt = new ConcurrentHashMap<>();

    Exotel(ExotelStore store, Settings settings, CallService calls, CallRecords records, Directory directory,
           Clock clock) {
        this.store = store;
        this.settings = settings;
        this.calls = calls;
        this.records = records;
        this.directory = directory;
        this.clock = clock;
        this.throttle = new Throttle(settings.authFailuresPerMinute());
    }

    Settings settings() {
        return settings;
    }

    // --- accounts and users -------------------------------------------------------------------------------------------

    /** Adds an account; returns the API token (the one given, or a generated one), which is not stored. */
    String addAccount(String sid, String name, String apiKey, String token) throws ApiError {
        if (sid == null || !SID.matcher(sid).matches()) {
            throw new ApiError(400, "account sid: letters, digits, _ and -, at most 64");
        }
        if (apiKey == null || !KEY.matcher(apiKey).matches()) {
            throw new ApiError(400, "api key: letters, digits, . _ and -, at most 128");
        }
        if (token != null && (token.length() < 16 || token.length() > 256)) {
            throw new ApiError(400, "api token: 16 to 256 characters");
        }
        String t = token == null ? Tokens.generate() : token;
        try {
            if (store.account(sid).isPresent()) {
                throw new ApiError(409, "account " + sid + " exists");
            }
            store.addAccount(new Account(sid, name == null || name.isBlank() ? sid : name.strip(), apiKey,
                    Tokens.hash(t), now()));
        } catch (SQLException e) {
            throw storeFailed("add account " + sid, e);
        }
        LOG.info("exotel: account {} added (key {})", sid, apiKey);
        return t;
    }

    boolean removeAccount(String sid) throws ApiError {
        try {
            boolean gone = store.removeAccount(sid);
            if (gone) {
                LOG.info("exotel: account {} removed", sid);
            }
            return gone;
        } catch (SQLException e) {
            throw storeFailed("remove account " + sid, e);
        }
    }

    List<Account> accounts() throws ApiError {
        try {
            return store.accounts();
        } catch (SQLException e) {
            throw storeFailed("list accounts", e);
        }
    }

    /**
     * Makes {@code user} a SIP user of account {@code sid}: with a password the Directory user is created (it must not
     * exist), without one it must exist already.
     */
    void addUser(String sid, String user, String password, String displayName) throws ApiError {
        Aor aor = ConnectRequest.party("user", user, settings.sipDomain());
        try {
            if (store.account(sid).isEmpty()) {
                throw new ApiError(404, "no account " + sid);
            }
            Optional<String> owner = store.owner(aor.toString());
            if (owner.isPresent()) {
                throw new ApiError(409, aor + " already belongs to account " + owner.get());
            }
            boolean exists = directory.find(aor).isPresent();
            if (password != null && !password.isEmpty()) {
                if (exists) {
                    throw new ApiError(409, "user " + aor + " exists; add it without a password");
                }
                directory.create(aor, password, displayName);
            } else if (!exists) {
                throw new ApiError(404, "no user " + aor + "; give a password to create it");
            }
            store.addUser(sid, aor.toString(), now());
        } catch (SQLException e) {
            throw storeFailed("add user " + aor, e);
        } catch (RuntimeException e) {
            throw new ApiError(400, "user " + aor + ": " + e.getMessage());
        }
        LOG.info("exotel: {} is a user of account {}", aor, sid);
    }

    boolean removeUser(String sid, String user) throws ApiError {
        Aor aor = ConnectRequest.party("user", user, settings.sipDomain());
        try {
            return store.removeUser(sid, aor.toString());
        } catch (SQLException e) {
            throw storeFailed("remove user " + aor, e);
        }
    }

    List<String[]> users(String sid) throws ApiError {
        try {
            return store.users(sid);
        } catch (SQLException e) {
            throw storeFailed("list users", e);
        }
    }

    // --- the API ------------------------------------------------------------------------------------------------------

    /**
     * The account named in the path when {@code authorization} is HTTP basic with its API key and token. An unknown
     * account and wrong credentials get the same 401; an address with too many failures in a minute gets 429.
     */
    Account authenticate(String sid, String authorization, String remote) throws ApiError {
        long now = clock.millis();
        if (throttle.blocked(remote, now)) {
            throw new ApiError(429, "Too many failed authentications; try again later");
        }
        String[] kt = basic(authorization);
        Optional<Account> account;
        try {
            account = kt == null || sid == null ? Optional.empty() : store.account(sid);
        } catch (SQLException e) {
            throw storeFailed("read account", e);
        }
        if (account.isEmpty() || !account.get().apiKey().equals(kt[0])
                || !Tokens.verify(kt[1], account.get().tokenHash())) {
            throttle.failed(remote, now);
            LOG.info("exotel: API authentication failed from {} for account path '{}'", remote, printable(sid));
            throw new ApiError(401, "Authentication failed");
        }
        return account.get();
    }

    private static String[] basic(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            String s = new String(Base64.getDecoder().decode(authorization.substring(6).strip()),
                    StandardCharsets.UTF_8);
            int colon = s.indexOf(':');
            return colon <= 0 ? null : new String[] {s.substring(0, colon), s.substring(colon + 1)};
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** {@code Calls/connect}: checks the parameters, stores the resource, asks the core to originate the call. */
    CallResource connect(Account account, Map<String, String> params) throws ApiError {
        ConnectRequest r = ConnectRequest.parse(params, settings.sipDomain());
        try {
            Optional<String> owner = store.owner(r.from().toString());
            if (owner.isEmpty() || !owner.get().equals(account.sid())) {
                throw new ApiError(400, "From is not a SIP user of account " + account.sid());
            }
        } catch (SQLException e) {
            throw storeFailed("read user", e);
        }
        String sid = Tokens.sid();
        Instant now = now();
        CallResource res = new CallResource(sid, account.sid(), null, r.fromText(), r.toText(), r.callerId(),
                CallResource.QUEUED, now, now, null, null, r.statusCallback(), r.customField(), "none", 0);
        try {
            store.insertCall(res);
        } catch (SQLException e) {
            throw storeFailed("store call", e);
        }
        Party presented = new Party(null, "sip:" + r.callerId() + "@" + r.from().domain(), r.callerId());
        int ring = r.timeOut() > 0 ? r.timeOut() : settings.ringTimeoutSeconds();
        try {
            String callId = calls.originate(new Originate(r.from(), r.to(), presented, ring, r.timeLimit(),
                    Map.of(CALLSID_HEADER, sid), Map.of()));
            res = new CallResource(sid, account.sid(), callId, res.from(), res.to(), res.callerId(), res.status(),
                    now, now, null, null, res.statusCallback(), res.customField(), "none", 0);
            LOG.info("exotel: call {} (core {}) from {} to {} for account {}", sid, callId, r.from(), r.to(),
                    account.sid());
        } catch (RuntimeException e) {
            LOG.warn("exotel: call {} from {} to {} not placed: {}", sid, r.from(), r.to(), e.getMessage());
            res = res.withStatus(CallResource.FAILED, now(), now(), 0);
        }
        try {
            store.updateCall(res);
        } catch (SQLException e) {
            throw storeFailed("store call", e);
        }
        return res;
    }

    /** The call resource {@code callSid} of account {@code accountSid}. */
    Optional<CallResource> call(String accountSid, String callSid) throws ApiError {
        try {
            return store.call(callSid).filter(c -> c.accountSid().equals(accountSid));
        } catch (SQLException e) {
            throw storeFailed("read call", e);
        }
    }

    Optional<CallResource> call(String callSid) throws ApiError {
        try {
            return store.call(callSid);
        } catch (SQLException e) {
            throw storeFailed("read call", e);
        }
    }

    List<CallResource> recent(int limit) throws ApiError {
        try {
            return store.recentCalls(limit);
        } catch (SQLException e) {
            throw storeFailed("list calls", e);
        }
    }

    // --- following the calls ------------------------------------------------------------------------------------------

    /** Brings every open call resource up to date with the core. Returns true when a callback became due. */
    boolean reconcile() {
        List<CallResource> open;
        try {
            open = store.openCalls();
        } catch (SQLException e) {
            LOG.warn("exotel: reading open calls failed: {}", e.getMessage());
            return false;
        }
        boolean due = false;
        for (CallResource c : open) {
            try {
                due |= reconcile(c);
            } catch (RuntimeException | SQLException e) {
                LOG.warn("exotel: updating call {} failed: {}", c.sid(), e.toString());
            }
        }
        misses.keySet().retainAll(open.stream().map(CallResource::sid).toList());
        return due;
    }

    private boolean reconcile(CallResource c) throws SQLException {
        Optional<CallInfo> live = c.callId() == null ? Optional.empty() : calls.call(c.callId());
        String status;
        Instant ended = null;
        Integer duration = null;
        if (live.isPresent()) {
            misses.remove(c.sid());
            status = liveStatus(live.get());
            if (order(status) < order(c.status())) {
                return false; // never back from in-progress to ringing
            }
        } else {
            Optional<CallRecord> rec = c.callId() == null ? Optional.empty() : records.find(c.callId());
            if (rec.isPresent()) {
                misses.remove(c.sid());
                status = finalStatus(rec.get());
                ended = rec.get().ended().truncatedTo(ChronoUnit.MILLIS);
                duration = (int) rec.get().duration().toSeconds();
            } else if (misses.merge(c.sid(), 1, Integer::sum) >= MISSES_TO_FAIL) {
                misses.remove(c.sid());
                LOG.info("exotel: call {} (core {}) is gone from the core without a record; failed", c.sid(),
                        c.callId());
                status = CallResource.FAILED;
                ended = now();
                duration = 0;
            } else {
                return false;
            }
        }
        if (status.equals(c.status())) {
            return false;
        }
        CallResource n = c.withStatus(status, now(), ended, duration);
        store.updateCall(n);
        LOG.debug("exotel: call {} {} -> {}", c.sid(), c.status(), status);
        return "pending".equals(n.callbackState());
    }

    private static int order(String status) {
        return switch (status) {
            case CallResource.QUEUED -> 0;
            case CallResource.RINGING -> 1;
            case CallResource.IN_PROGRESS -> 2;
            default -> 3;
        };
    }

    /** A live call: in-progress once both parties answered, ringing once a party's device rang, else queued. */
    static String liveStatus(CallInfo info) {
        if ("answered".equals(info.state())) {
            return CallResource.IN_PROGRESS;
        }
        for (CallInfo.LegInfo l : info.legs()) {
            if (!"originate".equals(l.adapter()) && ("ringing".equals(l.state()) || "answered".equals(l.state()))) {
                return CallResource.RINGING;
            }
        }
        return CallResource.QUEUED;
    }

    /** An ended call, from its record: completed when both answered, else busy, no-answer, canceled or failed. */
    static String finalStatus(CallRecord r) {
        if (r.answered() != null) {
            return CallResource.COMPLETED;
        }
        return switch (r.endReason()) {
            case "busy" -> CallResource.BUSY;
            case "no-answer", "unavailable" -> CallResource.NO_ANSWER;
            case "cancelled", "admin" -> CallResource.CANCELED;
            default -> r.code() == 603 ? CallResource.BUSY : CallResource.FAILED;
        };
    }

    // --- status callbacks ---------------------------------------------------------------------------------------------

    /**
     * POSTs every due status callback (form-encoded {@code CallSid}, {@code Status}, {@code RecordingUrl},
     * {@code DateUpdated}, …); a failed one is retried after 1, 4, 16 … s up to the configured retries. Blocking: runs on
     * the bundle's own callback thread, never on a call or HTTP thread.
     */
    void deliverCallbacks() {
        List<CallResource> pending;
        try {
            pending = store.pendingCallbacks();
        } catch (SQLException e) {
            LOG.warn("exotel: reading pending callbacks failed: {}", e.getMessage());
            return;
        }
        long now = clock.millis();
        for (CallResource c : pending) {
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
            Long at = nextAttempt.get(c.sid());
            if (at != null && at > now) {
                continue;
            }
            int code = post(c);
            int attempts = c.callbackAttempts() + 1;
            String state;
            if (code >= 200 && code < 300) {
                state = "sent";
                nextAttempt.remove(c.sid());
            } else if (attempts > settings.callbackRetries()) {
                state = "failed";
                nextAttempt.remove(c.sid());
                LOG.warn("exotel: status callback of call {} to {} failed {} times; given up", c.sid(),
                        c.statusCallback(), attempts);
            } else {
                state = "pending";
                nextAttempt.put(c.sid(), clock.millis() + 1000L * (1L << (2 * (attempts - 1))));
            }
            try {
                store.updateCall(new CallResource(c.sid(), c.accountSid(), c.callId(), c.from(), c.to(), c.callerId(),
                        c.status(), c.dateCreated(), c.dateUpdated(), c.endTime(), c.duration(), c.statusCallback(),
                        c.customField(), state, attempts));
            } catch (SQLException e) {
                LOG.warn("exotel: recording the callback of call {} failed: {}", c.sid(), e.getMessage());
            }
        }
    }

    static String callbackBody(CallResource c) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("CallSid", c.sid());
        f.put("Status", c.status());
        f.put("RecordingUrl", "");
        f.put("DateUpdated", Render.time(c.dateUpdated()));
        f.put("From", c.from());
        f.put("To", c.to());
        f.put("PhoneNumberSid", c.callerId());
        f.put("StartTime", Render.time(c.dateCreated()));
        f.put("EndTime", c.endTime() == null ? "" : Render.time(c.endTime()));
        f.put("Duration", c.duration() == null ? "" : c.duration().toString());
        if (c.customField() != null) {
            f.put("CustomField", c.customField());
        }
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : f.entrySet()) {
            if (sb.length() > 0) {
                sb.append('&');
            }
            sb.append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    /** One POST; the HTTP status, or -1 when it could not be sent. */
    private int post(CallResource c) {
        HttpURLConnection conn = null;
        try {
            conn = (HttpURLConnection) URI.create(c.statusCallback()).toURL().openConnection();
            int timeout = (int) Duration.ofSeconds(settings.callbackTimeoutSeconds()).toMillis();
            conn.setConnectTimeout(timeout);
            conn.setReadTimeout(timeout);
            conn.setInstanceFollowRedirects(false);
            conn.setRequestMethod("POST");
            conn.setDoOutput(true);
            conn.setRequestProperty("Content-Type", "application/x-www-form-urlencoded");
            byte[] body = callbackBody(c).getBytes(StandardCharsets.UTF_8);
            conn.setFixedLengthStreamingMode(body.length);
            try (OutputStream out = conn.getOutputStream()) {
                out.write(body);
            }
            int code = conn.getResponseCode();
            conn.getInputStream().close();
            return code;
        } catch (IOException | RuntimeException e) {
            try {
                return conn == null ? -1 : conn.getResponseCode();
            } catch (IOException | RuntimeException e2) {
                LOG.info("exotel: status callback of call {} not delivered: {}", c.sid(), e.toString());
                return -1;
            }
        } finally {
            if (conn != null) {
                conn.disconnect();
            }
        }
    }

    // --- helpers ------------------------------------------------------------------------------------------------------

    /** Now, to the millisecond (what the store keeps everywhere). */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private static ApiError storeFailed(String what, SQLException e) {
        LOG.error("exotel: {} failed: {} (SQLState {})", what, e.getMessage(), e.getSQLState());
        return new ApiError(503, "Service unavailable: store error");
    }

    static String printable(String s) {
        if (s == null) {
            return "";
        }
        String c = s.length() > 64 ? s.substring(0, 64) : s;
        return c.replaceAll("[^\\x21-\\x7e]", "?");
    }
}
