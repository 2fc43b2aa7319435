package org.patchbay.itests.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A SIP-over-WebSocket phone the way JsSIP behaves on the wire (RFC 7118): Via and Contact on a made-up
 * {@code .invalid} host, {@code +sip.instance} and {@code reg-id} (RFC 5626), digest authentication, one SIP message
 * per text frame. Just enough of a UA for the end-to-end tests: register, call, answer, BYE, drop and reconnect.
 */
final class WsPhone implements AutoCloseable {
    private static final Pattern HEADER_PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    final String user;
    final String domain;
    private final String password;
    private final URI uri;
    private final boolean secure;
    final String host = Long.toString(new SecureRandom().nextLong() & Long.MAX_VALUE, 36) + ".invalid";
    private final String instance = UUID.randomUUID().toString();
    private final String regCallId = UUID.randomUUID().toString();
    private final AtomicInteger regCseq = new AtomicInteger();
    private final AtomicInteger branches = new AtomicInteger();
    private volatile BlockingQueue<String> frames = new LinkedBlockingQueue<>();
    private WebSocket socket;
    /** The current call: what a request inside its dialog needs. */
    private Dialog dialog;

    record Dialog(String callId, String localTag, String remoteTag, String remoteTarget, String localUri,
            String remoteUri, int cseq) {
    }

    WsPhone(String url, String user, String domain, String password) throws Exception {
        this.uri = URI.create(url);
        this.secure = url.startsWith("wss");
        this.user = user;
        this.domain = domain;
        this.password = password;
        connect();
    }

    void connect() throws Exception {
        HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        if (secure) {
            // the node's self-signed certificate, as a browser started with --ignore-certificate-errors
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, new TrustManager[] {new TrustAll()}, null);
            http.sslContext(ssl);
            SSLParameters params = ssl.getDefaultSSLParameters();
            params.setEndpointIdentificationAlgorithm(null);
            http.sslParameters(params);
        }
        BlockingQueue<String> queue = new LinkedBlockingQueue<>();
        frames = queue;
        socket = http.build().newWebSocketBuilder().subprotocols("sip").buildAsync(uri, new WebSocket.Listener() {
            private final StringBuilder partial = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    queue.add(partial.toString());
                    partial.setLength(0);
                }
                ws.request(1);
                return null;
            }
        }).get(10, TimeUnit.SECONDS);
    }

    /** The connection dies without a close handshake (browser tab killed, network gone). */
    void drop() {
        socket.abort();
    }

    @Override
    public void close() {
        if (socket != null && !socket.isOutputClosed()) {
            try {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(2, TimeUnit.SECONDS);
            } catch (Exception e) {
                // closing anyway
            }
        }
        if (socket != null) {
            socket.abort();
        }
    }

    // --- registration ------------------------------------------------------------------------------------------------

    /** REGISTER (answering one digest challenge); returns the final status code. */
    int register(int expires) throws Exception {
        String auth = null;
        for (int attempt = 0; attempt < 2; attempt++) {
            send("REGISTER sip:" + domain + " SIP/2.0\r\n" + via() + "Max-Forwards: 69\r\n"
                    + "To: <sip:" + user + "@" + domain + ">\r\n"
                    + "From: <sip:" + user + "@" + domain + ">;tag=" + regCallId.substring(0, 8) + "\r\n"
                    + "Call-ID: " + regCallId + "\r\nCSeq: " + regCseq.incrementAndGet() + " REGISTER\r\n"
                    + "Contact: " + contact() + ";+sip.ice;reg-id=1;+sip.instance=\"<urn:uuid:" + instance
                    + ">\";expires=" + expires + "\r\nExpires: " + expires + "\r\n"
                    + (auth == null ? "" : auth)
                    + "Allow: INVITE,ACK,CANCEL,BYE,UPDATE,MESSAGE,OPTIONS,REFER,INFO,NOTIFY\r\n"
                    + "Supported: path,gruu,outbound\r\nUser-Agent: patchbay-e2e JsSIP-like\r\nContent-Length: 0\r\n\r\n");
            String r = response("REGISTER", 5);
            int code = code(r);
            if (code != 401 && code != 407) {
                return code;
            }
            auth = authorization(r, "REGISTER", "sip:" + domain);
        }
        throw new AssertionError("REGISTER challenged twice");
    }

    // --- calls -------------------------------------------------------------------------------------------------------

    /** Calls {@code callee} (answering the proxy challenge); returns the final status code; ACKs a 200. */
    int call(String callee) throws Exception {
        String callId = UUID.randomUUID().toString();
        String tag = Integer.toHexString(callId.hashCode());
        String target = "sip:" + callee + "@" + domain;
        String auth = null;
        for (int cseq = 1; cseq <= 2; cseq++) {
            String branch = branch();
            String sdp = sdp();
            send("INVITE " + target + " SIP/2.0\r\nVia: SIP/2.0/" + (secure ? "WSS" : "WS") + " " + host + ";branch="
                    + branch + "\r\nMax-Forwards: 69\r\nTo: <" + target + ">\r\n"
                    + "From: \"" + user + "\" <sip:" + user + "@" + domain + ">;tag=" + tag + "\r\n"
                    + "Call-ID: " + callId + "\r\nCSeq: " + cseq + " INVITE\r\nContact: " + contact() + "\r\n"
                    + (auth == null ? "" : auth)
                    + "Allow: INVITE,ACK,CANCEL,BYE,UPDATE,MESSAGE,OPTIONS,REFER,INFO,NOTIFY\r\n"
                    + "Supported: ice,replaces,outbound,timer\r\nSession-Expires: 90\r\n"
                    + "Content-Type: application/sdp\r\nContent-Length: " + sdp.length() + "\r\n\r\n" + sdp);
            String r = response("INVITE", 15);
            int code = code(r);
            String to = header(r, "To");
            if (code >= 300) {
                send("ACK " + target + " SIP/2.0\r\nVia: SIP/2.0/" + (secure ? "WSS" : "WS") + " " + host + ";branch="
                        + branch + "\r\nMax-Forwards: 69\r\nTo: " + to + "\r\n"
                        + "From: \"" + user + "\" <sip:" + user + "@" + domain + ">;tag=" + tag + "\r\n"
                        + "Call-ID: " + callId + "\r\nCSeq: " + cseq + " ACK\r\nContent-Length: 0\r\n\r\n");
                if (code != 407 || auth != null) {
                    return code;
                }
                auth = authorization(r, "INVITE", target);
                continue;
            }
            dialog = new Dialog(callId, tag, param(to, "tag"), uriOf(header(r, "Contact")), "sip:" + user + "@" + domain,
                    target, cseq);
            send("ACK " + dialog.remoteTarget() + " SIP/2.0\r\n" + via() + "Max-Forwards: 69\r\n"
                    + dialogHeaders(cseq, "ACK") + "Content-Length: 0\r\n\r\n");
            return code;
        }
        throw new AssertionError("unreachable");
    }

    /** Waits for an INVITE, answers 180 then 200 with SDP, and waits for the ACK. */
    void answer(int seconds) throws Exception {
        String invite = request("INVITE", seconds);
        String to = header(invite, "To") + ";tag=" + Integer.toHexString(invite.hashCode());
        String common = viaLines(invite) + "From: " + header(invite, "From") + "\r\nTo: " + to + "\r\nCall-ID: "
                + header(invite, "Call-ID") + "\r\nCSeq: " + header(invite, "CSeq") + "\r\nContact: " + contact() + "\r\n";
        send("SIP/2.0 180 Ringing\r\n" + common + "Content-Length: 0\r\n\r\n");
        String sdp = sdp();
        send("SIP/2.0 200 OK\r\n" + common + "Supported: outbound\r\nContent-Type: application/sdp\r\n"
                + "Content-Length: " + sdp.length() + "\r\n\r\n" + sdp);
        dialog = new Dialog(header(invite, "Call-ID"), param(to, "tag"), param(header(invite, "From"), "tag"),
                uriOf(header(invite, "Contact")), uriOf(header(invite, "To")), uriOf(header(invite, "From")), 0);
        request("ACK", 5);
    }

    /** An RFC 4028 session refresh as JsSIP sends it: UPDATE without SDP; returns the status code of the answer. */
    int refresh() throws Exception {
        Dialog d = dialog;
        int cseq = d.cseq() + 50;
        send("UPDATE " + d.remoteTarget() + " SIP/2.0\r\n" + via() + "Max-Forwards: 69\r\n" + dialogHeaders(cseq, "UPDATE")
                + "Contact: " + contact() + "\r\nSession-Expires: 90;refresher=uac\r\nSupported: timer\r\n"
                + "Content-Length: 0\r\n\r\n");
        return code(response("UPDATE", 5));
    }

    /** Hangs up the current call with BYE; returns the status code of the answer. */
    int bye() throws Exception {
        Dialog d = dialog;
        int cseq = d.cseq() + 100;
        send("BYE " + d.remoteTarget() + " SIP/2.0\r\n" + via() + "Max-Forwards: 69\r\n" + dialogHeaders(cseq, "BYE")
                + "Content-Length: 0\r\n\r\n");
        return code(response("BYE", 5));
    }

    /** Waits for the other side's BYE and answers 200. */
    void awaitBye(int seconds) throws Exception {
        String bye = request("BYE", seconds);
        send("SIP/2.0 200 OK\r\n" + viaLines(bye) + "From: " + header(bye, "From") + "\r\nTo: " + header(bye, "To")
                + "\r\nCall-ID: " + header(bye, "Call-ID") + "\r\nCSeq: " + header(bye, "CSeq")
                + "\r\nContent-Length: 0\r\n\r\n");
    }

    private String dialogHeaders(int cseq, String method) {
        Dialog d = dialog;
        return "From: <" + d.localUri() + ">;tag=" + d.localTag() + "\r\nTo: <" + d.remoteUri() + ">;tag=" + d.remoteTag()
                + "\r\nCall-ID: " + d.callId() + "\r\nCSeq: " + cseq + " " + method + "\r\n";
    }

    // --- wire --------------------------------------------------------------------------------------------------------

    void send(String message) throws Exception {
        socket.sendText(message, true).get(5, TimeUnit.SECONDS);
    }

    /** The next final response to {@code method} (provisional ones are skipped). */
    private String response(String method, int seconds) throws InterruptedException {
        return next(f -> f.startsWith("SIP/2.0 ") && code(f) >= 200 && header(f, "CSeq").endsWith(method), seconds,
                "final response to " + method);
    }

    /** The next request {@code method}; other frames are skipped. */
    String request(String method, int seconds) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            long left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime());
            String f = left <= 0 ? null : frames.poll(left, TimeUnit.MILLISECONDS);
            if (f == null) {
                throw new AssertionError(user + ": no " + method + " within " + seconds + " s");
            }
            if (f.startsWith(method + " ")) {
                return f;
            }
        }
    }

    private String next(java.util.function.Predicate<String> match, int seconds, String what)
            throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            long left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime());
            String f = left <= 0 ? null : frames.poll(left, TimeUnit.MILLISECONDS);
            if (f == null) {
                throw new AssertionError(user + ": no " + what + " within " + seconds + " s");
            }
            if (match.test(f)) {
                return f;
            }
        }
    }

    private String via() {
        return "Via: SIP/2.0/" + (secure ? "WSS" : "WS") + " " + host + ";branch=" + branch() + "\r\n";
    }

    private String branch() {
        return "z9hG4bK" + host.substring(0, 6) + branches.incrementAndGet() + System.nanoTime() % 100000;
    }

    private String contact() {
        return "<sip:" + user + "x@" + host + ";transport=ws;ob>";
    }

    private static String sdp() {
        return "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio 9 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
    }

    private String authorization(String challenge, String method, String digestUri) throws Exception {
        boolean proxy = code(challenge) == 407;
        String h = header(challenge, proxy ? "Proxy-Authenticate" : "WWW-Authenticate");
        String realm = quoted(h, "realm");
        String nonce = quoted(h, "nonce");
        String qop = h.contains("qop") ? "auth" : null;
        String ha1 = md5(user + ":" + realm + ":" + password);
        String ha2 = md5(method + ":" + digestUri);
        String cnonce = Long.toHexString(System.nanoTime());
        String response = qop == null ? md5(ha1 + ":" + nonce + ":" + ha2)
                : md5(ha1 + ":" + nonce + ":00000001:" + cnonce + ":auth:" + ha2);
        return (proxy ? "Proxy-Authorization" : "Authorization") + ": Digest username=\"" + user + "\", realm=\""
                + realm + "\", nonce=\"" + nonce + "\", uri=\"" + digestUri + "\", response=\"" + response
                + "\", algorithm=MD5" + (qop == null ? "" : ", qop=auth, nc=00000001, cnonce=\"" + cnonce + "\"")
                + "\r\n";
    }

    private static String md5(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    private static String quoted(String header, String name) {
        Matcher m = HEADER_PARAM.matcher(header);
        while (m.find()) {
            if (m.group(1).equalsIgnoreCase(name)) {
                return m.group(2);
            }
        }
        throw new AssertionError("no " + name + " in " + header);
    }

    static int code(String response) {
        return Integer.parseInt(response.substring(8, 11));
    }

    /** The first header {@code name} (full or compact form), without its name. */
    static String header(String message, String name) {
        String compact = switch (name.toLowerCase()) {
            case "via" -> "v";
            case "from" -> "f";
            case "to" -> "t";
            case "call-id" -> "i";
            case "contact" -> "m";
            default -> name;
        };
        for (String line : message.split("\r\n")) {
            if (line.isEmpty()) {
                break;
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                String n = line.substring(0, colon).strip();
                if (n.equalsIgnoreCase(name) || n.equalsIgnoreCase(compact)) {
                    return line.substring(colon + 1).strip();
                }
            }
        }
        return "";
    }

    /** Every Via line of a request, for its response. */
    private static String viaLines(String message) {
        StringBuilder sb = new StringBuilder();
        for (String line : message.split("\r\n")) {
            if (line.isEmpty()) {
                break;
            }
            String n = line.split(":", 2)[0].strip();
            if (n.equalsIgnoreCase("Via") || n.equals("v")) {
                sb.append(line).append("\r\n");
            }
        }
        return sb.toString();
    }

    private static String param(String header, String name) {
        Matcher m = Pattern.compile(";\\s*" + name + "=([^;>\\s]+)").matcher(header);
        return m.find() ? m.group(1) : "";
    }

    private static String uriOf(String nameAddr) {
        int lt = nameAddr.indexOf('<');
        return lt >= 0 ? nameAddr.substring(lt + 1, nameAddr.indexOf('>', lt)) : nameAddr.split(";")[0];
    }

    private static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
