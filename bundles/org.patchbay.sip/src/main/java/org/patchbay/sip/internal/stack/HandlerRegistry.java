package org.patchbay.sip.internal.stack;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;

import org.patchbay.sip.spi.SipRequestHandler;

/**
 * The SipRequestHandler whiteboard: handlers with the methods they declared and their ranking. Lookups are lock-free
 * (copy-on-write); registrations are rare.
 */
public final class HandlerRegistry {

    /** One registered handler; {@code id} is the service id, which breaks ranking ties (lower wins, as in OSGi). */
    record Entry(SipRequestHandler handler, Set<String> methods, int ranking, long id, Set<String> accept,
            Set<String> supported) {
    }

    private static final Comparator<Entry> ORDER =
            Comparator.comparingInt(Entry::ranking).reversed().thenComparingLong(Entry::id);

    private final List<Entry> entries = new CopyOnWriteArrayList<>();

    public void add(SipRequestHandler handler, Map<String, ?> properties) {
        remove(handler);
        entries.add(new Entry(handler, methods(properties.get(SipRequestHandler.METHODS)),
                ranking(properties.get("service.ranking")), id(properties.get("service.id")),
                lower(properties.get(SipRequestHandler.ACCEPT)), lower(properties.get(SipRequestHandler.SUPPORTED))));
    }

    public void remove(SipRequestHandler handler) {
        entries.removeIf(e -> e.handler() == handler);
    }

    /** The highest-ranked handler of {@code method}, or null. */
    public SipRequestHandler find(String method) {
        Entry e = entry(method);
        return e == null ? null : e.handler();
    }

    /** The registration of {@code handler}, or null. */
    Entry entryOf(SipRequestHandler handler) {
        for (Entry e : entries) {
            if (e.handler() == handler) {
                return e;
            }
        }
        return null;
    }

    /** The highest-ranked registration for {@code method}, or null. */
    Entry entry(String method) {
        String m = method.toUpperCase(Locale.ROOT);
        Entry best = null;
        for (Entry e : entries) {
            if (e.methods().contains(m) && (best == null || ORDER.compare(e, best) < 0)) {
                best = e;
            }
        }
        return best;
    }

    /** Every method some handler takes, sorted. */
    public Set<String> methods() {
        Set<String> all = new TreeSet<>();
        for (Entry e : entries) {
            all.addAll(e.methods());
        }
        return all;
    }

    public int size() {
        return entries.size();
    }

    static Set<String> lower(Object value) {
        Set<String> out = new TreeSet<>();
        for (String s : split(value)) {
            out.add(s.toLowerCase(Locale.ROOT));
        }
        return Set.copyOf(out);
    }

    private static List<String> split(Object value) {
        List<String> raw = new ArrayList<>();
        if (value instanceof String[] a) {
            raw.addAll(Arrays.asList(a));
        } else if (value instanceof Iterable<?> it) {
            it.forEach(o -> raw.add(String.valueOf(o)));
        } else if (value != null) {
            raw.add(value.toString());
        }
        List<String> out = new ArrayList<>();
        for (String s : raw) {
            for (String part : s.split("[,\\s]+")) {
                if (!part.isBlank()) {
                    out.add(part.strip());
                }
            }
        }
        return out;
    }

    static Set<String> methods(Object value) {
        Set<String> out = new TreeSet<>();
        for (String s : split(value)) {
            out.add(s.toUpperCase(Locale.ROOT));
        }
        return Set.copyOf(out);
    }

    private static int ranking(Object v) {
        return v instanceof Integer i ? i : 0;
    }

    private static long id(Object v) {
        return v instanceof Long l ? l : Long.MAX_VALUE;
    }
}
