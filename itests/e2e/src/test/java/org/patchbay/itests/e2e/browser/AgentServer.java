package org.patchbay.itests.e2e.browser;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The web server the browser pages talk to, on 127.0.0.1 and a free port: serves the agent page ({@code /?page=<id>},
 * from the test resources {@code browser/}) and the bundled libraries ({@code /lib/jssip.js}, {@code /lib/sip.js}
 * from {@link NpmCache}), and carries the agent protocol: {@code GET /agent/poll?page=<id>} long-polls for the next
 * command (JSON, 204 after 20 s without one), {@code POST /agent/result} and {@code POST /agent/event} bring results
 * and events back to the {@link Page}.
 */
public final class AgentServer implements AutoCloseable {

    private static final long POLL_MILLIS = 20_000;

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "e2e-agent-http");
        t.setDaemon(true);
        return t;
    });
    private final Path libraries;
    private final Map<String, Page> pages = new ConcurrentHashMap<>();
    private final Map<String, Path> mounts = new ConcurrentHashMap<>();

    private AgentServer(Path libraries) throws IOException {
        this.libraries = libraries;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts a server; fetches the libraries first (which may abort the test, see {@link NpmCache}). */
    public static AgentServer start() throws IOException {
        return new AgentServer(NpmCache.libraries());
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The page with this id (created on first use); load {@link Page#url()} in a browser to bring it to life. */
    public Page page(String id) {
        if (!id.matches("[A-Za-z0-9_-]+")) {
            throw new IllegalArgumentException("page id: letters, digits, '_' and '-' only: " + id);
        }
        return pages.computeIfAbsent(id, i -> new Page(i, "http://127.0.0.1:" + port() + "/?page=" + i));
    }

    /**
     * A page loading {@code html} (a file of the test resources {@code browser/}, e.g. {@code exotel.html}) instead of
     * the agent page; it must load {@code /agent.js} and call {@code agent.start()} like {@code agent.html}.
     */
    public Page page(String id, String html) {
        if (!id.matches("[A-Za-z0-9_-]+") || !html.matches("[a-z0-9-]+\\.html")) {
            throw new IllegalArgumentException("page id / html name: " + id + ", " + html);
        }
        return pages.computeIfAbsent(id, i -> new Page(i, "http://127.0.0.1:" + port() + "/" + html + "?page=" + i));
    }

    /** Serves the regular files of {@code dir} (not below it) under {@code /<name>/}, e.g. a vendor SDK's dist. */
    public void mount(String name, Path dir) {
        mounts.put("/" + name + "/", dir);
    }

    private boolean mounted(HttpExchange ex, String path) throws IOException {
        for (Map.Entry<String, Path> m : mounts.entrySet()) {
            if (path.startsWith(m.getKey())) {
                String file = path.substring(m.getKey().length());
                Path f = m.getValue().resolve(file);
                if (!file.matches("[A-Za-z0-9._-]+") || file.startsWith(".") || !Files.isRegularFile(f)) {
                    send(ex, 404, "text/plain", ("no " + path).getBytes(StandardCharsets.UTF_8));
                } else {
                    send(ex, 200, file.endsWith(".js") ? "text/javascript" : file.endsWith(".wav") ? "audio/wav"
                            : "application/octet-stream", Files.readAllBytes(f));
                }
                return true;
            }
        }
        return false;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String query = ex.getRequestURI().getRawQuery();
            switch (path) {
                case "/", "/agent.html" -> resource(ex, "agent.html", "text/html");
                case "/agent.js" -> resource(ex, "agent.js", "text/javascript");
                case "/favicon.ico" -> send(ex, 204, null, null);
                case "/lib/jssip.js" -> send(ex, 200, "text/javascript", Files.readAllBytes(libraries.resolve("jssip.js")));
                case "/lib/sip.js" -> send(ex, 200, "text/javascript", Files.readAllBytes(libraries.resolve("sip.js")));
                case "/agent/poll" -> poll(ex, query);
                case "/agent/result", "/agent/event" -> post(ex, path.endsWith("result"));
                default -> {
                    if (mounted(ex, path)) {
                        break;
                    }
                    if (path.matches("/[a-z0-9-]+\\.(html|js)")) {
                        resource(ex, path.substring(1), path.endsWith(".js") ? "text/javascript" : "text/html");
                    } else {
                        send(ex, 404, "text/plain", ("no " + path).getBytes(StandardCharsets.UTF_8));
                    }
                }
            }
        }
    }

    private void poll(HttpExchange ex, String query) throws IOException {
        String id = query != null && query.startsWith("page=") ? query.substring(5) : "";
        Page page = pages.get(id);
        if (page == null) {
            send(ex, 404, "text/plain", ("unknown page " + id).getBytes(StandardCharsets.UTF_8));
            return;
        }
        page.polled();
        JsonObject command;
        try {
            command = page.nextCommand(POLL_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            command = null;
        }
        if (command == null) {
            send(ex, 204, null, null);
        } else {
            send(ex, 200, "application/json", command.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    private void post(HttpExchange ex, boolean result) throws IOException {
        if (!"POST".equals(ex.getRequestMethod())) {
            send(ex, 405, null, null);
            return;
        }
        JsonObject body;
        try (InputStream in = ex.getRequestBody()) {
            body = JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (RuntimeException e) {
            send(ex, 400, "text/plain", ("not a JSON object: " + e.getMessage()).getBytes(StandardCharsets.UTF_8));
            return;
        }
        Page page = body.has("page") ? pages.get(body.get("page").getAsString()) : null;
        if (page == null) {
            send(ex, 404, null, null);
            return;
        }
        if (result) {
            page.result(body);
        } else {
            page.event(body);
        }
        send(ex, 204, null, null);
    }

    private static void resource(HttpExchange ex, String name, String type) throws IOException {
        try (InputStream in = AgentServer.class.getResourceAsStream("/browser/" + name)) {
            if (in == null) {
                send(ex, 404, null, null);
                return;
            }
            send(ex, 200, type, in.readAllBytes());
        }
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        if (type != null) {
            ex.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
        }
        ex.sendResponseHeaders(status, body == null ? -1 : body.length);
        if (body != null) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
