package org.patchbay.itests.e2e;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A SIP phone in a few lines: REGISTER as raw text over UDP from a chosen loopback address (127.0.0.x, so one test can be
 * throttled without blocking the others), digest answers computed here independently of the node's code.
 */
final class RegClient implements AutoCloseable {
    private final DatagramSocket socket;
    private final InetSocketAddress node;
    private final String domain;
    private final String callId = "reg-" + System.nanoTime();
    private int cseq = 1;
    private String userAgent = "RegIT/1.0";

    RegClient(String sourceIp, int nodePort, String domain) throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(sourceIp, 0));
        socket.setSoTimeout(3000);
        node = new InetSocketAddress("127.0.0.1", nodePort);
        this.domain = domain;
    }

    RegClient userAgent(String ua) {
        userAgent = ua;
        return this;
    }

    String local() {
        return socket.getLocalAddress().getHostAddress() + ":" + socket.getLocalPort();
    }

    /** Sends a REGISTER for {@code user} with the given extra header lines; returns the response, or null on timeout. */
    Reply register(String user, List<String> headers, long timeoutMillis) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append("REGISTER sip:").append(domain).append(" SIP/2.0\r\n")
                .append("Via: SIP/2.0/UDP ").append(local()).append(";rport;branch=z9hG4bK-").append(System.nanoTime()).append("\r\n")
                .append("From: <sip:").append(user).append('@').append(domain).append(">;tag=t").append(cseq).append("\r\n")
                .append("To: <sip:").append(user).append('@').append(domain).append(">\r\n")
                .append("Call-ID: ").append(callId).append("\r\n")
                .append("CSeq: ").append(cseq++).append(" REGISTER\r\n")
                .append("Max-Forwards: 70\r\n")
                .append("User-Agent: ").append(userAgent).append("\r\n");
        for (String h : headers) {
            sb.append(h).append("\r\n");
        }
        sb.append("Content-Length: 0\r\n\r\n");
        byte[] out = sb.toString().getBytes(StandardCharsets.UTF_8);
        socket.send(new DatagramPacket(out, out.length, node));
        socket.setSoTimeout((int) timeoutMillis);
        byte[] buf = new byte[65535];
        try {
            while (true) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                socket.receive(p);
                Reply r = new Reply(new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8));
                if (r.status() >= 200) {
                    return r;
                }
            }
        } catch (SocketTimeoutException e) {
            return null;
        }
    }

    /** REGISTER, then answer the 401 with the first challenge of {@code algorithm} (or the first one when null). */
    Reply registerWithAuth(String user, String password, String algorithm, List<String> headers) throws IOException {
        Reply challenge = register(user, headers, 3000);
        if (challenge == null || challenge.status() != 401) {
            return challenge;
        }
        List<String> all = new ArrayList<>(headers);
        all.add(authorization(challenge, user, password, algorithm));
        return register(user, all, 3000);
    }

    String authorization(Reply challenge, String user, String password, String algorithm) {
        String c = challenge.headers("WWW-Authenticate").stream()
                .filter(h -> algorithm == null || algorithm.equalsIgnoreCase(param(h, "algorithm")))
                .findFirst().orElseThrow(() -> new AssertionError("no " + algorithm + " challenge in\n" + challenge.text()));
        String alg = param(c, "algorithm");
        String realm = param(c, "realm");
        String nonce = param(c, "nonce");
        String uri = "sip:" + domain;
        String jca = "SHA-256".equalsIgnoreCase(alg) ? "SHA-256" : "MD5";
        String cnonce = Long.toHexString(System.nanoTime());
        String ha1 = h(jca, user + ":" + realm + ":" + password);
        String ha2 = h(jca, "REGISTER:" + uri);
        String response = h(jca, ha1 + ":" + nonce + ":00000001:" + cnonce + ":auth:" + ha2);
        return "Authorization: Digest username=\"" + user + "\", realm=\"" + realm + "\", nonce=\"" + nonce + "\", uri=\"" + uri
                + "\", response=\"" + response + "\", algorithm=" + alg + ", cnonce=\"" + cnonce + "\", qop=auth, nc=00000001";
    }

    static String param(String header, String name) {
        Matcher m = Pattern.compile("[\\s,:]" + name + "=(\"([^\"]*)\"|([^,\\s]+))", Pattern.CASE_INSENSITIVE).matcher(header);
        return m.find() ? (m.group(2) != null ? m.group(2) : m.group(3)) : null;
    }

    private static String h(String alg, String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(alg).digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        socket.close();
    }

    /** A received response. */
    record Reply(String text) {
        int status() {
            return Integer.parseInt(text.substring(8, 11));
        }

        List<String> headers(String name) {
            List<String> out = new ArrayList<>();
            for (String line : text.split("\r\n")) {
                if (line.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
                    out.add(line);
                }
            }
            return out;
        }

        /** Status line and header lines with every per-response value (nonce, tags, branch, Call-ID, CSeq) masked. */
        List<String> shape() {
            List<String> out = new ArrayList<>();
            for (String line : text.split("\r\n")) {
                if (line.isEmpty()) {
                    break;
                }
                out.add(line.replaceAll("nonce=\"[^\"]*\"", "nonce=*").replaceAll("branch=[^;\\s]*", "branch=*")
                        .replaceAll("tag=[^;\\s]*", "tag=*").replaceAll("^(?i)(Call-ID|CSeq|Via):.*", "$1: *")
                        .replaceAll("^(?i)(From|To): <sip:[^@]*@", "$1: <sip:*@"));
            }
            return out;
        }
    }

    static InetAddress loopback(int last) throws IOException {
        return InetAddress.getByName("127.0.0." + last);
    }
}
