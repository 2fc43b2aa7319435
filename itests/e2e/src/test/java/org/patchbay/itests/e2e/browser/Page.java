package org.patchbay.itests.e2e.browser;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * One agent page, driven from the test: {@link #eval} sends a script (the body of an async function with one
 * parameter, {@code agent}, see {@code browser/agent.js}) and waits for its value; the page's events ({@code agent.emit}
 * and its console, which is also copied to the test's standard output) are kept in order for {@link #await}.
 */
public final class Page {

    private static final Gson GSON = new Gson();

    private final String id;
    private final String url;
    private final BlockingQueue<JsonObject> commands = new LinkedBlockingQueue<>();
    private final Map<Integer, CompletableFuture<JsonObject>> results = new ConcurrentHashMap<>();
    private final List<JsonObject> events = new ArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();
    private int consumed;
    private volatile boolean polled;

    Page(String id, String url) {
        this.id = id;
        this.url = url;
    }

    /** {@code value} as a JavaScript literal (JSON), for building scripts without quoting mistakes. */
    public static String js(Object value) {
        return GSON.toJson(value);
    }

    public String id() {
        return id;
    }

    public String url() {
        return url;
    }

    /** Waits until the page has loaded and asked for its first command; false after the limit. */
    public boolean awaitLoaded(long millis) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!polled && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        return polled;
    }

    /**
     * Runs {@code script} in the page as {@code async (agent) => { script }} and returns its value as JSON (the page
     * serializes it with {@code JSON.stringify}); throws {@link AssertionError} when the script throws or the page does
     * not answer within the limit.
     */
    public JsonElement eval(String script, long millis) throws InterruptedException {
        int n = ids.incrementAndGet();
        CompletableFuture<JsonObject> result = new CompletableFuture<>();
        results.put(n, result);
        JsonObject command = new JsonObject();
        command.addProperty("id", n);
        command.addProperty("script", script);
        commands.add(command);
        try {
            JsonObject r = result.get(millis, TimeUnit.MILLISECONDS);
            if (!r.get("ok").getAsBoolean()) {
                throw new AssertionError("page " + id + ": script failed: " + r.get("error").getAsString() + "\nscript: " + script);
            }
            return r.has("value") ? r.get("value") : JsonNull.INSTANCE;
        } catch (TimeoutException e) {
            throw new AssertionError("page " + id + ": no result within " + millis + " ms for: " + script);
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        } finally {
            results.remove(n);
            commands.remove(command);
        }
    }

    /** The first event not yet returned by this method whose {@code type} is {@code type}; null after the limit. */
    public JsonObject await(String type, long millis) throws InterruptedException {
        return await(e -> type.equals(e.get("type").getAsString()), millis);
    }

    /**
     * The first event, in arrival order and not yet returned by an {@code await}, that matches; null after the limit.
     * Events before the match stay available, so a test can wait for events in any order.
     */
    public synchronized JsonObject await(Predicate<JsonObject> match, long millis) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (true) {
            for (int i = consumed; i < events.size(); i++) {
                JsonObject e = events.get(i);
                if (!e.has("consumed") && match.test(e)) {
                    e.addProperty("consumed", true);
                    while (consumed < events.size() && events.get(consumed).has("consumed")) {
                        consumed++;
                    }
                    return e;
                }
            }
            long left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime());
            if (left <= 0) {
                return null;
            }
            wait(left);
        }
    }

    /** Every event so far, oldest first (for failure messages). */
    public synchronized List<JsonObject> events() {
        return List.copyOf(events);
    }

    JsonObject nextCommand(long timeout, TimeUnit unit) throws InterruptedException {
        return commands.poll(timeout, unit);
    }

    void polled() {
        polled = true;
    }

    void result(JsonObject body) {
        CompletableFuture<JsonObject> f = results.get(body.get("id").getAsInt());
        if (f != null) {
            f.complete(body);
        }
    }

    synchronized void event(JsonObject body) {
        if ("console".equals(body.get("type").getAsString())) {
            JsonObject data = body.getAsJsonObject("data");
            System.out.println("[browser " + id + "] " + data.get("level").getAsString() + ": " + data.get("text").getAsString());
        }
        events.add(body);
        notifyAll();
    }
}
