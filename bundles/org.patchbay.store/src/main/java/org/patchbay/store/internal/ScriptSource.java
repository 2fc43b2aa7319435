package org.patchbay.store.internal;

import java.net.URL;
import java.util.List;

/**
 * Where one module's SQL migration scripts come from: the owner bundle at runtime
 * ({@link BundleScriptSource}), a plain directory in tests.
 */
interface ScriptSource {

    /** The {@code *.sql} entries directly under the location, in any order; empty when there are none. */
    List<URL> sqlFiles();

    /** Names the source in messages, e.g. {@code org.patchbay.core 0.1.0:/db/directory}. */
    String describe();
}
