package org.patchbay.http.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class HttpSettingsTest {

    @Test
    void emptyConfigurationGivesDefaults() throws Exception {
        HttpSettings s = HttpSettings.parse(Map.of());
        assertEquals("0.0.0.0", s.host());
        assertEquals(8080, s.port());
        assertTrue(s.httpsEnabled());
        assertEquals(8443, s.httpsPort());
        assertEquals("", s.keystore());
        assertEquals("PKCS12", s.keystoreType());
        assertTrue(s.wildcardHost());
    }

    @Test
    void stringsFromCfgFilesAndTypedValuesParse() throws Exception {
        HttpSettings s = HttpSettings.parse(Map.of("host", "127.0.0.1", "port", "9090", "https.enabled", "false",
                "https.port", 9443L, "keystore.type", "jks"));
        assertEquals("127.0.0.1", s.host());
        assertEquals(9090, s.port());
        assertFalse(s.httpsEnabled());
        assertEquals(9443, s.httpsPort());
        assertEquals("JKS", s.keystoreType());
        assertFalse(s.wildcardHost());
    }

    @Test
    void blankValuesMeanDefaults() throws Exception {
        HttpSettings s = HttpSettings.parse(Map.of("host", " ", "port", "", "https.enabled", ""));
        assertEquals(HttpSettings.parse(Map.of()), s);
    }

    @Test
    void badValuesNameTheirKey() {
        assertKey("port", Map.of("port", "0"));
        assertKey("port", Map.of("port", 65536));
        assertKey("port", Map.of("port", "80a"));
        assertKey("https.port", Map.of("https.port", "-1"));
        assertKey("https.port", Map.of("port", "8443"));
        assertKey("https.enabled", Map.of("https.enabled", "yes"));
        assertKey("host", Map.of("host", "bad host"));
        assertKey("keystore.type", Map.of("keystore.type", "PEM"));
        assertKey("keystore.password", Map.of("keystore", "conf/tls.p12"));
    }

    @Test
    void samePortIsFineWhenHttpsIsOff() throws Exception {
        Map<String, Object> c = new HashMap<>(Map.of("port", "8443", "https.enabled", false));
        assertEquals(8443, HttpSettings.parse(c).port());
    }

    @Test
    void passwordNeverInToString() throws Exception {
        HttpSettings s = HttpSettings.parse(Map.of("keystore", "k.p12", "keystore.password", "s3cret-value"));
        assertFalse(s.toString().contains("s3cret-value"));
    }

    private static void assertKey(String key, Map<String, ?> config) {
        InvalidSettingException e = assertThrows(InvalidSettingException.class, () -> HttpSettings.parse(config));
        assertEquals(key, e.key(), e.getMessage());
    }
}
