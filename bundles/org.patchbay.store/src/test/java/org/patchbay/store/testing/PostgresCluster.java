package org.patchbay.store.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import javax.sql.DataSource;

import org.junit.jupiter.api.Assumptions;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Shared with other bundles' tests through this module's test-jar (org.patchbay.store, type test-jar).
 * A throwaway PostgreSQL cluster from the local Debian binaries: initdb in a temp directory, a server
 * on a free port on 127.0.0.1 (and a socket in that directory), stopped and deleted by close().
 * PostgreSQL refuses to run as root, so under root it runs as the {@code postgres} user.
 */
public final class PostgresCluster implements AutoCloseable {

    private final Path bin;
    private final Path dir;
    private final List<String> asUser;
    private final int port;
    private final String user;
    private final String password;
    private final AtomicInteger databases = new AtomicInteger();

    private PostgresCluster(Path bin, Path dir, List<String> asUser, int port, String user, String password) {
        this.bin = bin;
        this.dir = dir;
        this.asUser = asUser;
        this.port = port;
        this.user = user;
        this.password = password;
    }

    /** The newest {@code /usr/lib/postgresql/<version>/bin} with initdb, pg_ctl and postgres. */
    public static Optional<Path> binaries() {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Stream.of("initdb", "pg_ctl", "postgres").allMatch(x -> Files.isExecutable(b.resolve(x))))
                    .max(Comparator.comparing(b -> versionOf(b.getParent().getFileName().toString())));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static int versionOf(String name) {
        return name.matches("\\d+") ? Integer.parseInt(name) : -1;
    }

    /** The command prefix to run the server as a non-root user, or empty when that is impossible. */
    public static Optional<List<String>> runAs() throws Exception {
        if (!"root".equals(System.getProperty("user.name"))) {
            return Optional.of(List.of());
        }
        boolean hasUser = new ProcessBuilder("id", "-u", "postgres").start().waitFor() == 0;
        return hasUser ? Optional.of(List.of("runuser", "-u", "postgres", "--")) : Optional.empty();
    }

    /**
     * A cluster for one test class, user {@code patchbay} with a random password; the class is skipped (a JUnit
     * assumption) when this machine has no server binaries or, under root, no {@code postgres} user.
     */
    public static PostgresCluster startForTests() throws Exception {
        Optional<Path> bin = binaries();
        Assumptions.assumeTrue(bin.isPresent(), "no PostgreSQL server binaries under /usr/lib/postgresql");
        Optional<List<String>> asUser = runAs();
        Assumptions.assumeTrue(asUser.isPresent(), "running as root and there is no postgres user to run the server as");
        return start(bin.get(), asUser.get(), "patchbay", "pg-" + UUID.randomUUID());
    }

    public static PostgresCluster start(Path bin, List<String> asUser, String user, String password) throws Exception {
        Path dir = Files.createTempDirectory("patchbay-pg");
        PostgresCluster cluster = new PostgresCluster(bin, dir, asUser, freePort(), user, password);
        try {
            cluster.initAndStart();
            return cluster;
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
    }

    private void initAndStart() throws Exception {
        Path pwfile = dir.resolve("pwfile");
        Files.writeString(pwfile, password + "\n", StandardCharsets.UTF_8);
        if (!asUser.isEmpty()) {
            run(List.of("chown", "-R", "postgres:", dir.toString()), 30);
        }
        run(command(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", user,
                "--pwfile=" + pwfile, "--auth=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync"), 120);
        run(command(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(),
                "-l", dir.resolve("server.log").toString(), "-w", "-t", "60",
                "-o", "-c listen_addresses=127.0.0.1 -p " + port + " -c unix_socket_directories=" + dir
                        + " -c fsync=off -c full_page_writes=off",
                "start"), 90);
    }

    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    /** A new empty database named {@code prefix} and a number, reached as this cluster's user. */
    public DataSource newDatabase(String prefix) throws Exception {
        String name = prefix + databases.incrementAndGet();
        createDatabase(name);
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(url(name));
        ds.setUser(user);
        ds.setPassword(password);
        return ds;
    }

    public void createDatabase(String name) throws Exception {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(url("postgres"));
        ds.setUser(user);
        ds.setPassword(password);
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
    }

    @Override
    public void close() throws Exception {
        try {
            if (Files.exists(dir.resolve("data/postmaster.pid"))) {
                run(command(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate",
                        "-w", "stop"), 60);
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private List<String> command(String... args) {
        List<String> command = new ArrayList<>(asUser);
        command.addAll(List.of(args));
        return command;
    }

    private void run(List<String> command, int timeoutSeconds) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("timed out: " + command);
        }
        if (p.exitValue() != 0) {
            String log = Files.exists(dir.resolve("server.log")) ? Files.readString(dir.resolve("server.log")) : "";
            throw new IllegalStateException(command + " exited " + p.exitValue() + ": "
                    + new String(out, StandardCharsets.UTF_8) + log);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
