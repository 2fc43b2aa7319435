package org.patchbay.http.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.patchbay.http.internal.tls.TlsKeystore;

class FelixHttpConfigTest {

    private final FakeConfigAdmin ca = new FakeConfigAdmin();
    private final FelixHttpConfig felix = new FelixHttpConfig(ca.service());
    private final TlsKeystore tls = new TlsKeystore(Path.of("/data/tls/patchbay.p12"), "pw", "PKCS12");

    @Test
    void servingPropertiesUseFelixKeys() throws Exception {
        Map<String, Object> p = FelixHttpConfig.serving(HttpSettings.parse(Map.of("port", "9080", "https.port", "9443")), tls);
        assertEquals(Map.of(
                "org.apache.felix.http.enable", true,
                "org.apache.felix.http.host", "0.0.0.0",
                "org.osgi.service.http.port", 9080,
                "org.apache.felix.https.enable", true,
                "org.osgi.service.http.port.secure", 9443,
                "org.apache.felix.https.keystore", "/data/tls/patchbay.p12",
                "org.apache.felix.https.keystore.password", "pw",
                "org.apache.felix.https.keystore.key.password", "pw",
                "org.apache.felix.https.keystore.type", "PKCS12"), p);
    }

    @Test
    void httpsOffCarriesNoKeystore() throws Exception {
        Map<String, Object> p = FelixHttpConfig.serving(HttpSettings.parse(Map.of("https.enabled", "false")), null);
        assertEquals(false, p.get("org.apache.felix.https.enable"));
        assertNull(p.get("org.apache.felix.https.keystore.password"));
    }

    @Test
    void writesOnlyWhenContentChanges() throws Exception {
        Map<String, Object> a = FelixHttpConfig.serving(HttpSettings.parse(Map.of()), tls);
        assertTrue(felix.apply(a), "first write");
        assertFalse(felix.apply(a), "same content: Jetty must not restart");
        assertEquals(1, ca.updates.size());

        Map<String, Object> b = FelixHttpConfig.serving(HttpSettings.parse(Map.of("port", "8081")), tls);
        assertTrue(felix.apply(b));
        assertEquals(8081, ca.last().get("org.osgi.service.http.port"));

        assertTrue(felix.apply(FelixHttpConfig.disabled()));
        assertEquals(Map.of("org.apache.felix.http.enable", false, "org.apache.felix.https.enable", false), ca.last());
        assertTrue(ca.locations.stream().allMatch("?"::equals), "multi-location, not bound to this bundle");
    }

    @Test
    void bookkeepingPropertiesDoNotCountAsChanges() throws Exception {
        Map<String, Object> a = FelixHttpConfig.serving(HttpSettings.parse(Map.of()), tls);
        felix.apply(a);
        ca.current.get("org.apache.felix.http").put("service.bundleLocation", "?");
        assertFalse(felix.apply(a));
    }
}
