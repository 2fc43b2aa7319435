package org.patchbay.messaging.internal.core;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import org.patchbay.api.identity.Aor;
import org.patchbay.api.identity.Credential;
import org.patchbay.api.identity.DigestAlgorithm;
import org.patchbay.api.identity.Directory;
import org.patchbay.api.identity.User;
import org.patchbay.api.location.Binding;
import org.patchbay.api.location.LocationService;
import org.patchbay.api.messaging.Message;
import org.patchbay.api.messaging.MessageDeliverer;

/** Small stand-ins for the core's services: a directory of names and an in-memory location service. */
final class Fakes {
    private Fakes() {
    }

    static final class Users implements Directory {
        final Set<Aor> users = ConcurrentHashMap.newKeySet();

        Users(String... names) {
            for (String n : names) {
                users.add(Aor.parse(n));
            }
        }

        @Override
        public User create(Aor aor, String password, String displayName) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void delete(Aor aor) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void setPassword(Aor aor, String password) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<User> find(Aor aor) {
            return users.contains(aor) ? Optional.of(new User(aor, "", Instant.EPOCH)) : Optional.empty();
        }

        @Override
        public List<User> list(String filter) {
            return List.of();
        }

        @Override
        public Optional<Credential> credential(Aor aor, String realm, DigestAlgorithm algorithm) {
            return Optional.empty();
        }

        @Override
        public int count() {
            return users.size();
        }
    }

    static final class Locations implements LocationService {
        final List<Binding> bindings = new CopyOnWriteArrayList<>();

        Binding add(String aor, String contact, String instance) {
            Binding b = new Binding(Aor.parse(aor), contact, instance, 0, "c", 1, "sip", "udp",
                    new InetSocketAddress("127.0.0.1", 5062), null, List.of(), "test", -1, Instant.now(),
                    Instant.now().plusSeconds(3600));
            bindings.add(b);
            return b;
        }

        @Override
        public List<Binding> lookup(Aor aor) {
            return bindings.stream().filter(b -> b.aor().equals(aor)).toList();
        }

        @Override
        public List<Binding> all() {
            return List.copyOf(bindings);
        }

        @Override
        public Binding bind(Binding binding) {
            bindings.add(binding);
            return binding;
        }

        @Override
        public boolean unbind(Aor aor, String contact) {
            return bindings.removeIf(b -> b.aor().equals(aor) && b.contact().equals(contact));
        }

        @Override
        public int unbindAll(Aor aor) {
            int n = lookup(aor).size();
            bindings.removeIf(b -> b.aor().equals(aor));
            return n;
        }

        @Override
        public int unbindFlow(String flow) {
            return 0;
        }

        @Override
        public int count() {
            return bindings.size();
        }
    }

    /** Records what it is asked to deliver; answers with what {@code answer} says (per contact). */
    static final class Deliverer implements MessageDeliverer {
        record Sent(String contact, Message message) {
        }

        final List<Sent> sent = new CopyOnWriteArrayList<>();
        volatile Function<Binding, Integer> answer = b -> 200;

        @Override
        public CompletionStage<Integer> deliver(Binding target, Message message) {
            sent.add(new Sent(target.contact(), message));
            return CompletableFuture.supplyAsync(() -> answer.apply(target));
        }

        List<String> texts(String contact) {
            List<String> out = new ArrayList<>();
            for (Sent s : sent) {
                if (s.contact().equals(contact)) {
                    out.add(s.message().text());
                }
            }
            return out;
        }
    }
}
