package org.patchbay.store.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import org.flywaydb.core.api.ResourceProvider;
import org.flywaydb.core.api.resource.LoadableResource;

/**
 * Hands Flyway a fixed set of scripts instead of letting it scan a class path, which does not work
 * across bundles. The scripts are read once, up front (UTF-8), so a failure to read one is reported
 * before anything is migrated and Flyway never touches the owner bundle.
 */
final class ScriptResources implements ResourceProvider {

    /** Versions below 1 would fall under the baseline that the store gives each module (see Migrator). */
    private static final Pattern VERSION_ZERO = Pattern.compile("V0+([._]0+)*__.*");

    private final Map<String, Script> byName = new TreeMap<>();

    /**
     * @throws IllegalStateException when the source has no scripts, one cannot be read, or one has a
     *     version below 1
     */
    ScriptResources(ScriptSource source) {
        for (URL url : source.sqlFiles()) {
            String name = fileName(url);
            if (VERSION_ZERO.matcher(name).matches()) {
                throw new IllegalStateException("Migration " + name + " in " + source.describe()
                        + ": versions start at 1 (V1__...)");
            }
            byName.put(name, new Script(name, source.describe() + "/" + name, url.toString(), read(url, source)));
        }
        if (byName.isEmpty()) {
            throw new IllegalStateException("No SQL scripts (*.sql) in " + source.describe());
        }
    }

    /** The script names, sorted. */
    List<String> names() {
        return List.copyOf(byName.keySet());
    }

    @Override
    public LoadableResource getResource(String name) {
        return byName.get(name.substring(name.lastIndexOf('/') + 1));
    }

    @Override
    public Collection<LoadableResource> getResources(String prefix, String[] suffixes) {
        List<LoadableResource> found = new ArrayList<>();
        for (Script script : byName.values()) {
            if (script.getFilename().startsWith(prefix) && endsWithAny(script.getFilename(), suffixes)) {
                found.add(script);
            }
        }
        return found;
    }

    private static boolean endsWithAny(String name, String[] suffixes) {
        for (String suffix : suffixes) {
            if (name.endsWith(suffix)) {
                return true;
            }
        }
        return false;
    }

    private static String fileName(URL url) {
        String path = url.getPath();
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private static String read(URL url, ScriptSource source) {
        try (InputStream in = url.openStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read migration " + url + " of " + source.describe() + ": " + e, e);
        }
    }

    /** One script, held in memory. Flyway computes its checksum from {@link #read()}. */
    private static final class Script extends LoadableResource {
        private final String name;
        private final String path;
        private final String url;
        private final String content;

        Script(String name, String path, String url, String content) {
            this.name = name;
            this.path = path;
            this.url = url;
            this.content = content;
        }

        @Override
        public Reader read() {
            return new StringReader(content);
        }

        @Override
        public String getAbsolutePath() {
            return path;
        }

        @Override
        public String getAbsolutePathOnDisk() {
            return url;
        }

        @Override
        public String getFilename() {
            return name;
        }

        @Override
        public String getRelativePath() {
            return name;
        }
    }
}
