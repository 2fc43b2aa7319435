package org.patchbay.sip.internal.fakes;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.patchbay.api.identity.Aor;
import org.patchbay.api.location.Binding;
import org.patchbay.api.location.LocationService;

/** The LocationService contract in a list (replacement by contact or device; expiry by the registrar's clock). */
public final class FakeLocation implements LocationService {
    private final List<Binding> bindings = new ArrayList<>();
    public Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public synchronized List<Binding> lookup(Aor aor) {
        List<Binding> list = new ArrayList<>(bindings.stream().filter(b -> b.aor().equals(aor) && b.expires().isAfter(now)).toList());
        java.util.Collections.reverse(list);
        return list;
    }

    @Override
    public synchronized List<Binding> all() {
        return bindings.stream().filter(b -> b.expires().isAfter(now)).toList();
    }

    @Override
    public synchronized Binding bind(Binding binding) {
        bindings.removeIf(b -> b.aor().equals(binding.aor()) && (b.contact().equals(binding.contact()) || b.sameDevice(binding)));
        bindings.add(binding);
        return binding;
    }

    @Override
    public synchronized boolean unbind(Aor aor, String contact) {
        return bindings.removeIf(b -> b.aor().equals(aor) && b.contact().equals(contact));
    }

    @Override
    public synchronized int unbindAll(Aor aor) {
        int before = bindings.size();
        bindings.removeIf(b -> b.aor().equals(aor));
        return before - bindings.size();
    }

    @Override
    public synchronized int unbindFlow(String flow) {
        int before = bindings.size();
        bindings.removeIf(b -> flow.equals(b.flow()));
        return before - bindings.size();
    }

    @Override
    public synchronized int count() {
        return all().size();
    }
}
