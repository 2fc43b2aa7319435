package org.patchbay.http.internal.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.UnrecoverableKeyException;
import java.util.Collections;
import java.util.Locale;

import org.patchbay.http.internal.tls.SelfSignedKeystore;
import org.patchbay.http.internal.tls.TlsKeystore;

/** Picks the keystore for HTTPS: the configured one, checked before Jetty sees it, or the generated one. */
final class Keystores {

    static final String TLS_DIR = "tls";

    private Keystores() {
    }

    /**
     * @param home against which a relative {@code keystore} path is resolved
     * @param data where the self-signed keystore lives ({@code data/tls})
     */
    static TlsKeystore resolve(HttpSettings s, Path home, Path data)
            throws InvalidSettingException, IOException, GeneralSecurityException {
        if (s.keystore().isEmpty()) {
            return SelfSignedKeystore.ensure(data.resolve(TLS_DIR));
        }
        Path path = home.resolve(s.keystore()).normalize();
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new InvalidSettingException(HttpSettings.KEYSTORE, path + " is not a readable file");
        }
        checkOpens(path, s);
        return new TlsKeystore(path, s.keystorePassword(), s.keystoreType());
    }

    /** Opening it here turns a wrong password or type into one clear line instead of a Jetty stack trace. */
    private static void checkOpens(Path path, HttpSettings s) throws InvalidSettingException, IOException {
        KeyStore ks;
        try {
            ks = KeyStore.getInstance(s.keystoreType());
        } catch (KeyStoreException e) {
            throw new InvalidSettingException(HttpSettings.KEYSTORE_TYPE, s.keystoreType() + " is not supported by this JDK");
        }
        char[] password = s.keystorePassword().toCharArray();
        try (InputStream in = Files.newInputStream(path)) {
            ks.load(in, password);
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException || e.getMessage() != null
                    && e.getMessage().toLowerCase(Locale.ROOT).contains("password")) {
                throw new InvalidSettingException(HttpSettings.KEYSTORE_PASSWORD, "does not open " + path);
            }
            throw new InvalidSettingException(HttpSettings.KEYSTORE, path + " is not a " + s.keystoreType()
                    + " keystore (" + e.getClass().getSimpleName() + ")");
        } catch (GeneralSecurityException e) {
            throw new InvalidSettingException(HttpSettings.KEYSTORE, path + " cannot be read: " + e.getMessage());
        }
        try {
            boolean hasKey = false;
            for (String alias : Collections.list(ks.aliases())) {
                if (ks.isKeyEntry(alias)) {
                    ks.getKey(alias, password);
                    hasKey = true;
                }
            }
            if (!hasKey) {
                throw new InvalidSettingException(HttpSettings.KEYSTORE, path + " holds no private key");
            }
        } catch (UnrecoverableKeyException e) {
            throw new InvalidSettingException(HttpSettings.KEYSTORE_PASSWORD,
                    "opens " + path + " but not its private key (key and store password must be the same)");
        } catch (GeneralSecurityException e) {
            throw new InvalidSettingException(HttpSettings.KEYSTORE, path + " cannot be read: " + e.getMessage());
        }
    }
}
