package org.patchbay.http.internal.tls;

import java.nio.file.Path;
import java.util.Objects;

/** A keystore Jetty can open: its file, password (also used for the key) and type. */
public record TlsKeystore(Path path, String password, String type) {
    public TlsKeystore {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(type, "type");
    }

    @Override
    public String toString() {
        return "TlsKeystore[" + path + ", " + type + ", password=***]";
    }
}
