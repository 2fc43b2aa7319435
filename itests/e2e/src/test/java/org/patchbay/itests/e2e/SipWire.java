package org.patchbay.itests.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Raw SIP bytes over real UDP and TCP sockets to 127.0.0.1, and what comes back: for tests that must not be a SIP stack. */
final class SipWire {

    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Pattern STATUS = Pattern.compile("^SIP/2\\.0 (\\d{3})", Pattern.MULTILINE);

    private SipWire() {
    }

    /** Sends one datagram from a fresh socket and returns the responses seen within {@code millis} (stops at a final). */
    static List<String> udp(int port, byte[] message, int millis) throws IOException {
        try (DatagramSocket socket = new DatagramSocket(0, LOOPBACK)) {
            socket.send(new DatagramPacket(message, message.length, LOOPBACK, port));
            List<String> out = new ArrayList<>();
            long deadline = System.currentTimeMillis() + millis;
            byte[] buf = new byte[65536];
            while (System.currentTimeMillis() < deadline) {
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
                    break;
                }
            }
            return out;
        }
    }

    /** Opens a connection, sends, returns the responses seen within {@code millis} (stops at a final or when closed). */
    static List<String> tcp(int port, byte[] message, int millis) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(LOOPBACK, port), 2000);
            s.getOutputStream().write(message);
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream acc = new ByteArrayOutputStream();
            long deadline = System.currentTimeMillis() + millis;
            byte[] buf = new byte[8192];
            while (System.currentTimeMillis() < deadline) {
                s.setSoTimeout((int) Math.max(1, deadline - System.currentTimeMillis()));
                int n;
                try {
                    n = in.read(buf);
                } catch (IOException e) {
                    break;
                }
                if (n < 0) {
                    break;
                }
                acc.write(buf, 0, n);
                if (split(acc.toString(StandardCharsets.UTF_8)).stream().anyMatch(m -> status(m) >= 200)) {
                    break;
                }
            }
            return split(acc.toString(StandardCharsets.UTF_8));
        }
    }

    static String options(String transport, int port) {
        String branch = "z9hG4bK" + UUID.randomUUID().toString().replace("-", "");
        return "OPTIONS sip:ping@127.0.0.1:" + port + " SIP/2.0\r\n"
                + "Via: SIP/2.0/" + transport.toUpperCase() + " 127.0.0.1:9;branch=" + branch + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:probe@127.0.0.1>;tag=" + UUID.randomUUID().toString().substring(0, 8) + "\r\n"
                + "To: <sip:ping@127.0.0.1>\r\n"
                + "Call-ID: " + UUID.randomUUID() + "\r\n"
                + "CSeq: 1 OPTIONS\r\n"
                + "Content-Length: 0\r\n\r\n";
    }

    /** Splits a stream at each status line. */
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

    /** The first final status, or 0 when none came. */
    static int finalStatus(List<String> responses) {
        return responses.stream().mapToInt(SipWire::status).filter(c -> c >= 200).findFirst().orElse(0);
    }
}
