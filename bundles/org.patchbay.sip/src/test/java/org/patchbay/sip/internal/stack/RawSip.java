package org.patchbay.sip.internal.stack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Raw SIP over real sockets for tests: send text or bytes, collect what comes back. */
final class RawSip {

    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Pattern STATUS = Pattern.compile("^SIP/2\\.0 (\\d{3})", Pattern.MULTILINE);

    private RawSip() {
    }

    /** slf4j-simple: the stack logs every message at INFO; keep test output readable. Call before any logger exists. */
    static void quietStack() {
        if (System.getProperty("org.slf4j.simpleLogger.log.gov.nist") == null) {
            System.setProperty("org.slf4j.simpleLogger.log.gov.nist", "warn");
        }
    }

    /** A port free for both UDP and TCP at the moment of the call. */
    static int freePort() throws IOException {
        for (int i = 0; i < 50; i++) {
            try (ServerSocket tcp = new ServerSocket(0, 1, LOOPBACK)) {
                int port = tcp.getLocalPort();
                try (DatagramSocket udp = new DatagramSocket(port, InetAddress.getByName("0.0.0.0"))) {
                    return port;
                } catch (IOException e) {
                    // taken for UDP: try another
                }
            }
        }
        throw new IOException("no free port");
    }

    static String options(String transport, int localPort, int targetPort) {
        String branch = "z9hG4bK" + UUID.randomUUID().toString().replace("-", "");
        return "OPTIONS sip:ping@127.0.0.1:" + targetPort + " SIP/2.0\r\n"
                + "Via: SIP/2.0/" + transport.toUpperCase() + " 127.0.0.1:" + localPort + ";branch=" + branch + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:test@127.0.0.1>;tag=" + UUID.randomUUID().toString().substring(0, 8) + "\r\n"
                + "To: <sip:ping@127.0.0.1>\r\n"
                + "Call-ID: " + UUID.randomUUID() + "\r\n"
                + "CSeq: 1 OPTIONS\r\n"
                + "Content-Length: 0\r\n\r\n";
    }

    static String request(String method, String transport, int localPort, int targetPort, String extraHeaders) {
        String branch = "z9hG4bK" + UUID.randomUUID().toString().replace("-", "");
        return method + " sip:bob@127.0.0.1:" + targetPort + " SIP/2.0\r\n"
                + "Via: SIP/2.0/" + transport.toUpperCase() + " 127.0.0.1:" + localPort + ";branch=" + branch + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:alice@127.0.0.1>;tag=" + UUID.randomUUID().toString().substring(0, 8) + "\r\n"
                + "To: <sip:bob@127.0.0.1>\r\n"
                + "Call-ID: " + UUID.randomUUID() + "\r\n"
                + "CSeq: 1 " + method + "\r\n"
                + extraHeaders
                + "Content-Length: 0\r\n\r\n";
    }

    /** Sends one datagram from {@code socket} and collects every response text until {@code millis} pass. */
    static List<String> udp(DatagramSocket socket, int port, byte[] message, int millis) throws IOException {
        socket.send(new DatagramPacket(message, message.length, LOOPBACK, port));
        return receiveUdp(socket, millis, 1);
    }

    static List<String> receiveUdp(DatagramSocket socket, int millis, int stopAfterFinals) throws IOException {
        List<String> out = new ArrayList<>();
        long deadline = System.currentTimeMillis() + millis;
        byte[] buf = new byte[65536];
        int finals = 0;
        while (System.currentTimeMillis() < deadline && finals < stopAfterFinals) {
            socket.setSoTimeout((int) Math.max(1, deadline - System.currentTimeMillis()));
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
            } catch (SocketTimeoutException e) {
                break;
            }
            String text = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
            out.add(text);
            if (status(text) >= 200) {
                finals++;
            }
        }
        return out;
    }

    /** Opens a connection, sends, collects responses until a final one or {@code millis}. */
    static List<String> tcp(int port, byte[] message, int millis) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(LOOPBACK, port), 2000);
            s.getOutputStream().write(message);
            s.getOutputStream().flush();
            return receiveTcp(s, millis);
        }
    }

    static List<String> receiveTcp(Socket s, int millis) throws IOException {
        List<String> out = new ArrayList<>();
        long deadline = System.currentTimeMillis() + millis;
        InputStream in = s.getInputStream();
        ByteArrayOutputStream acc = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        while (System.currentTimeMillis() < deadline) {
            s.setSoTimeout((int) Math.max(1, deadline - System.currentTimeMillis()));
            int n;
            try {
                n = in.read(buf);
            } catch (SocketTimeoutException e) {
                break;
            } catch (IOException e) {
                break;
            }
            if (n < 0) {
                break;
            }
            acc.write(buf, 0, n);
            List<String> msgs = split(acc.toString(StandardCharsets.UTF_8));
            if (msgs.stream().anyMatch(m -> status(m) >= 200)) {
                out.addAll(msgs);
                return out;
            }
        }
        out.addAll(split(acc.toString(StandardCharsets.UTF_8)));
        return out;
    }

    /** Splits a TCP stream into messages at each status line. */
    static List<String> split(String stream) {
        List<String> out = new ArrayList<>();
        Matcher m = STATUS.matcher(stream);
        List<Integer> starts = new ArrayList<>();
        while (m.find()) {
            starts.add(m.start());
        }
        for (int i = 0; i < starts.size(); i++) {
            out.add(stream.substring(starts.get(i), i + 1 < starts.size() ? starts.get(i + 1) : stream.length()));
        }
        return out;
    }

    static int status(String response) {
        Matcher m = STATUS.matcher(response);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    static int finalStatus(List<String> responses) {
        return responses.stream().mapToInt(RawSip::status).filter(c -> c >= 200).findFirst().orElse(-1);
    }

    static String header(String response, String name) {
        Matcher m = Pattern.compile("^" + Pattern.quote(name) + "\\s*:\\s*(.*?)\\r?$", Pattern.MULTILINE | Pattern.CASE_INSENSITIVE)
                .matcher(response);
        return m.find() ? m.group(1) : null;
    }
}
