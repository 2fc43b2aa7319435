package org.patchbay.http.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patchbay.http.internal.tls.SelfSignedKeystore;
import org.patchbay.http.internal.tls.TlsKeystore;

class KeystoresTest {

    @TempDir
    Path home;

    @Test
    void emptyKeystoreMeansGeneratedUnderData() throws Exception {
        Path data = home.resolve("data");
        TlsKeystore ks = Keystores.resolve(HttpSettings.parse(Map.of()), home, data);
        assertEquals(data.resolve("tls/patchbay.p12"), ks.path());
        assertTrue(Files.isRegularFile(ks.path()));
    }

    @Test
    void configuredKeystoreIsCheckedAndResolvedAgainstHome() throws Exception {
        TlsKeystore generated = SelfSignedKeystore.ensure(home.resolve("conf"));
        Map<String, Object> c = Map.of("keystore", "conf/patchbay.p12", "keystore.password", generated.password());
        TlsKeystore ks = Keystores.resolve(HttpSettings.parse(c), home, home.resolve("data"));
        assertEquals(home.resolve("conf/patchbay.p12"), ks.path());
        assertEquals(generated.password(), ks.password());
    }

    @Test
    void wrongPasswordNamesThePasswordKey() throws Exception {
        SelfSignedKeystore.ensure(home.resolve("conf"));
        Map<String, Object> c = Map.of("keystore", "conf/patchbay.p12", "keystore.password", "wrong");
        InvalidSettingException e = assertThrows(InvalidSettingException.class,
                () -> Keystores.resolve(HttpSettings.parse(c), home, home));
        assertEquals("keystore.password", e.key());
    }

    @Test
    void missingOrWrongTypeNamesTheKeystoreKey() throws Exception {
        Map<String, Object> missing = Map.of("keystore", "nope.p12", "keystore.password", "x");
        assertEquals("keystore", assertThrows(InvalidSettingException.class,
                () -> Keystores.resolve(HttpSettings.parse(missing), home, home)).key());

        Files.writeString(home.resolve("garbage.p12"), "not a keystore");
        Map<String, Object> garbage = Map.of("keystore", "garbage.p12", "keystore.password", "x");
        assertEquals("keystore", assertThrows(InvalidSettingException.class,
                () -> Keystores.resolve(HttpSettings.parse(garbage), home, home)).key());
    }
}
