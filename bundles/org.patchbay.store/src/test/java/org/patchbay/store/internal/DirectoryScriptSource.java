package org.patchbay.store.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Scripts from a plain directory, standing in for a bundle in tests. */
final class DirectoryScriptSource implements ScriptSource {

    private final Path dir;

    DirectoryScriptSource(Path dir) {
        this.dir = dir;
    }

    /** Writes {@code sql} as {@code dir/name}, creating the directory, and returns the source. */
    DirectoryScriptSource write(String name, String sql) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(name), sql, StandardCharsets.UTF_8);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public List<URL> sqlFiles() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<URL> urls = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (p.getFileName().toString().endsWith(".sql")) {
                    urls.add(p.toUri().toURL());
                }
            }
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return urls;
    }

    @Override
    public String describe() {
        return "dir:" + dir;
    }
}
