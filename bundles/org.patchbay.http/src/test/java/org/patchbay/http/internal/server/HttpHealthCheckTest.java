package org.patchbay.http.internal.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.patchbay.api.health.HealthResult;

class HttpHealthCheckTest {

    @Test
    void healthyWhenRuntimeMatchesAndPortsListen() throws Exception {
        try (ServerSocket http = listen(); ServerSocket https = listen()) {
            HttpHealthCheck.Expected e = expected(http.getLocalPort(), https.getLocalPort());
            HealthResult r = HttpHealthCheck.check(e, List.of(runtime(http.getLocalPort(), https.getLocalPort())), 200);
            assertTrue(r.healthy(), r.detail());
        }
    }

    @Test
    void downWithoutRuntimeEvenIfSomethingListens() throws Exception {
        try (ServerSocket http = listen(); ServerSocket https = listen()) {
            HttpHealthCheck.Expected e = expected(http.getLocalPort(), https.getLocalPort());
            HealthResult r = HttpHealthCheck.check(e, List.of(), 200);
            assertFalse(r.healthy());
            assertTrue(r.detail().contains("not running"), r.detail());
        }
    }

    @Test
    void downWhileRuntimeStillHasOldPort() throws Exception {
        try (ServerSocket http = listen(); ServerSocket https = listen()) {
            HttpHealthCheck.Expected e = expected(http.getLocalPort(), https.getLocalPort());
            HealthResult r = HttpHealthCheck.check(e, List.of(runtime(1, https.getLocalPort())), 200);
            assertFalse(r.healthy());
        }
    }

    @Test
    void downWhenHttpsPortIsNotBound() throws Exception {
        int closed = HttpServerConfiguratorTest.freePort();
        try (ServerSocket http = listen()) {
            HttpHealthCheck.Expected e = expected(http.getLocalPort(), closed);
            HealthResult r = HttpHealthCheck.check(e, List.of(runtime(http.getLocalPort(), closed)), 200);
            assertFalse(r.healthy());
            assertTrue(r.detail().contains("HTTPS port " + closed), r.detail());
        }
    }

    @Test
    void httpsOffNeedsOnlyHttp() throws Exception {
        try (ServerSocket http = listen()) {
            HttpSettings s = HttpSettings.parse(Map.of("host", "127.0.0.1", "port", http.getLocalPort(),
                    "https.enabled", false));
            HttpHealthCheck.Expected e = new HttpHealthCheck.Expected(s, PortProbe.target(s));
            Map<String, Object> runtime = Map.of("org.apache.felix.http.enable", "true",
                    "org.osgi.service.http.port", String.valueOf(http.getLocalPort()),
                    "org.apache.felix.https.enable", "false");
            assertTrue(HttpHealthCheck.check(e, List.of(runtime), 200).healthy());
        }
    }

    @Test
    void invalidConfigurationIsReported() {
        HttpHealthCheck c = new HttpHealthCheck(Map.of("port", "0"));
        assertFalse(c.check().healthy());
    }

    private static HttpHealthCheck.Expected expected(int http, int https) throws Exception {
        HttpSettings s = HttpSettings.parse(Map.of("host", "0.0.0.0", "port", http, "https.port", https));
        return new HttpHealthCheck.Expected(s, PortProbe.target(s));
    }

    /** The string properties Felix HTTP puts on its HttpServiceRuntime service. */
    private static Map<String, Object> runtime(int http, int https) {
        return Map.of("org.apache.felix.http.enable", "true", "org.osgi.service.http.port", String.valueOf(http),
                "org.apache.felix.https.enable", "true", "org.osgi.service.http.port.secure", String.valueOf(https));
    }

    private static ServerSocket listen() throws Exception {
        return new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }
}
