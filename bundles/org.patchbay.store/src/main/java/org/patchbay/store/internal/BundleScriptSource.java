package org.patchbay.store.internal;

import java.net.URL;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

import org.osgi.framework.Bundle;

/**
 * The SQL scripts a bundle carries under a folder. Uses {@link Bundle#findEntries}, which reads the
 * bundle's own jar (and its fragments) without class loading, so the scripts need no export.
 */
final class BundleScriptSource implements ScriptSource {

    private final Bundle bundle;
    private final String location;

    BundleScriptSource(Bundle bundle, String location) {
        if (bundle == null) {
            throw new IllegalArgumentException("owner bundle must not be null");
        }
        if (location == null || location.isBlank()) {
            throw new IllegalArgumentException("script location must not be empty");
        }
        this.bundle = bundle;
        this.location = location;
    }

    @Override
    public List<URL> sqlFiles() {
        Enumeration<URL> entries = bundle.findEntries(location, "*.sql", false);
        return entries == null ? List.of() : Collections.list(entries);
    }

    @Override
    public String describe() {
        return bundle.getSymbolicName() + " " + bundle.getVersion() + ":" + location;
    }
}
