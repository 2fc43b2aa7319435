package org.patchbay.sip.internal.fakes;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sip.header.Header;
import javax.sip.message.Response;

import org.patchbay.api.identity.DigestAlgorithm;

/** The client side of digest, written independently of the server code: reads challenges, writes Authorization lines. */
public final class DigestClient {

    public record Challenge(String realm, String nonce, String algorithm, String qop, boolean stale, String text) {
    }

    private DigestClient() {
    }

    public static List<Challenge> challenges(Response r) {
        String name = r.getStatusCode() == 407 ? "Proxy-Authenticate" : "WWW-Authenticate";
        List<Challenge> out = new ArrayList<>();
        for (var it = r.getHeaders(name); it.hasNext();) {
            String text = ((Header) it.next()).toString().strip();
            out.add(new Challenge(param(text, "realm"), param(text, "nonce"), param(text, "algorithm"), param(text, "qop"),
                    "true".equalsIgnoreCase(param(text, "stale")), text));
        }
        return out;
    }

    static String param(String header, String name) {
        Matcher m = Pattern.compile("[ ,:]" + name + "=(\"([^\"]*)\"|([^,\\s]+))", Pattern.CASE_INSENSITIVE).matcher(header);
        return m.find() ? (m.group(2) != null ? m.group(2) : m.group(3)) : null;
    }

    /** An {@code Authorization} (or {@code Proxy-Authorization}) header line answering with qop=auth. */
    public static String authorization(String header, DigestAlgorithm a, String user, String realm, String password,
                                       String nonce, int nc, String method, String uri) {
        String ha1 = FakeDirectory.ha1(a, user, realm, password);
        String ha2 = FakeDirectory.hex(a, method + ":" + uri);
        String ncText = String.format("%08x", nc);
        String cnonce = "c0ffee" + nc;
        String response = FakeDirectory.hex(a, ha1 + ":" + nonce + ":" + ncText + ":" + cnonce + ":auth:" + ha2);
        return header + ": Digest username=\"" + user + "\", realm=\"" + realm + "\", nonce=\"" + nonce + "\", uri=\"" + uri
                + "\", response=\"" + response + "\", algorithm=" + a.token() + ", cnonce=\"" + cnonce + "\", qop=auth, nc="
                + ncText;
    }

    /** RFC 2069 style, no qop, no algorithm parameter (MD5). */
    public static String authorizationNoQop(String user, String realm, String password, String nonce, String method,
                                            String uri) {
        String ha1 = FakeDirectory.ha1(DigestAlgorithm.MD5, user, realm, password);
        String ha2 = FakeDirectory.hex(DigestAlgorithm.MD5, method + ":" + uri);
        String response = FakeDirectory.hex(DigestAlgorithm.MD5, ha1 + ":" + nonce + ":" + ha2);
        return "Authorization: Digest username=\"" + user + "\", realm=\"" + realm + "\", nonce=\"" + nonce + "\", uri=\""
                + uri + "\", response=\"" + response + "\"";
    }
}
