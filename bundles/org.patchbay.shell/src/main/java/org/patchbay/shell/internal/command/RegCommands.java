package org.patchbay.shell.internal.command;

import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.patchbay.api.location.Binding;
import org.patchbay.api.location.LocationService;

/**
 * {@code pb:regs}: the registered contacts. The location service reference is optional and dynamic like the other
 * commands', so the command stays and says what is missing while org.patchbay.core is stopped.
 */
@Component(service = RegCommands.class)
@GogoCommand(scope = "pb", function = {"regs"})
public final class RegCommands {
    static final String UNAVAILABLE = "location service unavailable (bundle org.patchbay.core not active)";

    private final AtomicReference<LocationService> location = new AtomicReference<>();
    private final Clock clock;

    public RegCommands() {
        this(Clock.systemUTC());
    }

    RegCommands(Clock clock) {
        this.clock = clock;
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindLocation(LocationService service) {
        location.set(service);
    }

    void unbindLocation(LocationService service) {
        location.compareAndSet(service, null);
    }

    @Descriptor("list every registered contact: address of record, contact, transport, source, user agent, seconds left")
    public RegTable regs() {
        return new RegTable(null, service().all(), clock.instant());
    }

    @Descriptor("list the registered contacts of the addresses of record that contain the text (case-insensitive)")
    public RegTable regs(@Descriptor("user, e.g. alice or alice@example.com") String user) {
        String needle = user.toLowerCase(Locale.ROOT);
        List<Binding> matching = service().all().stream()
                .filter(b -> b.aor().toString().toLowerCase(Locale.ROOT).contains(needle)).toList();
        return new RegTable(user, matching, clock.instant());
    }

    private LocationService service() {
        LocationService l = location.get();
        if (l == null) {
            throw new CommandFailure("pb:regs", UNAVAILABLE);
        }
        return l;
    }
}
