package org.patchbay.itests.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/** One node from the real distribution: boot, health, TLS, secrets on disk, the console. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NodeIT {

    private Distribution node;
    private String ready;

    @BeforeAll
    void boot() throws Exception {
        node = Distribution.copy("node");
        ready = node.start();
    }

    @AfterAll
    void shutdown() throws Exception {
        node.close();
    }

    @Test
    void printsOneReadyLineWithVersionAndTime() {
        assertTrue(ready.matches("Patchbay 0\\.1\\.0-SNAPSHOT ready in \\d+ ms"), ready);
        assertEquals(1, node.output().stream().filter(l -> l.contains(" ready in ")).count());
    }

    @Test
    void healthIsGreenWithEveryCheck() throws Exception {
        HttpResponse<String> r = node.request("GET", "/health", null, null);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        JsonObject body = JsonParser.parseString(r.body()).getAsJsonObject();
        assertEquals("UP", body.get("status").getAsString());
        Set<String> names = new HashSet<>();
        for (JsonElement c : body.getAsJsonArray("checks")) {
            JsonObject check = c.getAsJsonObject();
            names.add(check.get("name").getAsString());
            assertTrue(check.get("healthy").getAsBoolean(), c.toString());
        }
        assertTrue(names.containsAll(List.of("store", "directory", "http")), names.toString());
    }

    @Test
    void secretsAreGeneratedOwnerOnly() throws Exception {
        Path token = node.home.resolve("data/admin.token");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(token)));
        assertTrue(node.token().length() >= 40, "token has at least 32 random bytes");
        try (var tls = Files.list(node.home.resolve("data/tls"))) {
            for (Path p : (Iterable<Path>) tls::iterator) {
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)), p.toString());
            }
        }
        assertFalse(node.log().contains(node.token()), "the token is never logged");
    }

    @Test
    void httpsServesHealthWithTheGeneratedCertificate() throws Exception {
        SSLContext tls = SSLContext.getInstance("TLS");
        X509Certificate[][] seen = new X509Certificate[1][];
        tls.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                seen[0] = chain;
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, new SecureRandom());
        HttpClient client = HttpClient.newBuilder().sslContext(tls).build();
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + node.https + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertTrue(seen[0][0].getSubjectAlternativeNames().stream().anyMatch(san -> san.get(1).equals("127.0.0.1")),
                "certificate names 127.0.0.1");
    }

    @Test
    void consoleListensOnLoopbackOnly() throws Exception {
        // Java binds 127.0.0.1 either as IPv4 or as the IPv4-mapped ::ffff:127.0.0.1 of a dual-stack socket
        String port = String.format(":%04X", node.telnet);
        List<String> listeners = new java.util.ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            for (String line : Files.readAllLines(Path.of(table))) {
                String[] f = line.strip().split("\\s+");
                if (f.length > 3 && f[1].endsWith(port) && f[3].equals("0A")) {
                    listeners.add(f[1]);
                }
            }
        }
        assertEquals(1, listeners.size(), listeners.toString());
        String local = listeners.get(0);
        assertTrue(local.startsWith("0100007F:") || local.startsWith("0000000000000000FFFF00000100007F:"),
                "console bound to 127.0.0.1 only, got " + local);
    }

    @Test
    void statusShowsVersionHealthAndBundles() throws Exception {
        try (Telnet t = new Telnet(node.telnet)) {
            String status = t.run("pb:status");
            assertTrue(status.contains("0.1.0-SNAPSHOT"), status);
            for (String bsn : List.of("org.patchbay.api", "org.patchbay.core", "org.patchbay.store", "org.patchbay.http",
                    "org.patchbay.shell", "org.patchbay.logbridge")) {
                assertTrue(status.lines().anyMatch(l -> l.matches(".*\\bACTIVE\\s+" + bsn.replace(".", "\\.") + "\\s.*")),
                        bsn + " ACTIVE in\n" + status);
            }
            assertTrue(status.toUpperCase().contains("UP") || status.toLowerCase().contains("healthy"), status);
            assertTrue(t.run("help pb:useradd").toLowerCase().contains("password"), "help comes from @Descriptor");
        }
    }

    @Test
    void shellManagesUsersWithOneLineErrors() throws Exception {
        try (Telnet t = new Telnet(node.telnet)) {
            t.run("pb:useradd carol@shell.example 'carol secret' Carol Ann");
            String users = t.run("pb:users shell.example");
            assertTrue(users.contains("carol@shell.example") && users.contains("Carol Ann"), users);
            assertFalse(users.contains("carol secret"), "password never echoed");

            assertOneLine(t.run("pb:useradd carol@shell.example 'other secret'"), "exists");
            assertOneLine(t.run("pb:useradd not-an-address 'whatever1'"), "user@domain");
            assertOneLine(t.run("pb:useradd dave@shell.example short"), "password");
            assertOneLine(t.run("pb:passwd nobody@shell.example 'new secret 1'"), "nobody@shell.example");
            assertOneLine(t.run("pb:userdel nobody@shell.example"), "nobody@shell.example");
            assertTrue(t.run("pb:users dave").isBlank() || !t.run("pb:users dave").contains("dave@"), "nothing half-applied");

            t.run("pb:passwd carol@shell.example 'carol secret 2'");
            t.run("pb:userdel carol@shell.example");
            assertFalse(t.run("pb:users shell.example").contains("carol@"));
        }
        assertFalse(node.log().contains("carol secret"), "passwords never logged");
    }

    @Test
    void restAndShellShareOneDirectory() throws Exception {
        assertEquals(201, node.api("POST", "/users", "{\"user\":\"erin@mixed.example\",\"password\":\"erin secret\"}").statusCode());
        try (Telnet t = new Telnet(node.telnet)) {
            assertTrue(t.run("pb:users mixed.example").contains("erin@mixed.example"));
        }
        JsonArray users = JsonParser.parseString(node.api("GET", "/users?filter=mixed", null).body())
                .getAsJsonObject().getAsJsonArray("users");
        assertEquals(1, users.size());
    }

    private static void assertOneLine(String out, String mentions) {
        assertFalse(out.isBlank(), "an error is printed");
        assertEquals(1, out.lines().count(), "one line: " + out);
        assertTrue(out.contains(mentions), "'" + out + "' mentions " + mentions);
        assertFalse(out.contains("Exception") && out.contains("\tat "), "no stack trace: " + out);
    }
}
