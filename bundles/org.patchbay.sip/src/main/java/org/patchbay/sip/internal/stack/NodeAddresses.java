package org.patchbay.sip.internal.stack;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Which names and addresses mean "this node": the bind and advertised hosts, the configured aliases, every local interface
 * address, the machine's host name and {@code localhost}. Computed once per stack start (interfaces rarely change, and a
 * configuration change restarts the stack anyway).
 */
final class NodeAddresses {

    private final String advertised;
    private final Set<String> local;

    private NodeAddresses(String advertised, Set<String> local) {
        this.advertised = advertised;
        this.local = local;
    }

    static NodeAddresses of(SipSettings s) {
        Set<String> names = new HashSet<>();
        names.add("localhost");
        names.add(s.domain());
        names.addAll(s.aliases());
        names.add(normalize(s.host()));
        String hostName = hostName();
        if (hostName != null) {
            names.add(hostName);
        }
        String firstIpv4 = null;
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    names.add(normalize(a.getHostAddress()));
                    if (firstIpv4 == null && a instanceof Inet4Address && !a.isLoopbackAddress()
                            && !a.isLinkLocalAddress() && nif.isUp()) {
                        firstIpv4 = a.getHostAddress();
                    }
                }
            }
        } catch (SocketException e) {
            // no interface list: the configured names still work
        }
        names.add("127.0.0.1");
        names.add("::1");
        String advertised;
        if (!s.advertisedHost().isEmpty()) {
            advertised = s.advertisedHost();
        } else if (!s.wildcardHost()) {
            advertised = s.host();
        } else {
            advertised = firstIpv4 != null ? firstIpv4 : "127.0.0.1";
        }
        names.add(normalize(advertised));
        return new NodeAddresses(advertised, Set.copyOf(names));
    }

    String advertised() {
        return advertised;
    }

    boolean isLocal(String host) {
        return host != null && local.contains(normalize(host));
    }

    Set<String> names() {
        return local;
    }

    /** Lower case, without IPv6 brackets or zone id. */
    static String normalize(String host) {
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        int zone = h.indexOf('%');
        if (zone > 0) {
            h = h.substring(0, zone);
        }
        if (h.endsWith(".") && h.length() > 1) {
            h = h.substring(0, h.length() - 1);
        }
        return h;
    }

    /** Read without a DNS query: resolving the local host can stall for seconds. */
    private static String hostName() {
        try {
            Path kernel = Path.of("/proc/sys/kernel/hostname");
            if (Files.isReadable(kernel)) {
                String name = Files.readString(kernel, StandardCharsets.US_ASCII).strip();
                if (!name.isEmpty()) {
                    return name.toLowerCase(Locale.ROOT);
                }
            }
        } catch (IOException e) {
            // fall through
        }
        String env = System.getenv("HOSTNAME");
        return env == null || env.isBlank() ? null : env.strip().toLowerCase(Locale.ROOT);
    }
}
