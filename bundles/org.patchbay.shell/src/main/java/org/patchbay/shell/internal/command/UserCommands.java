package org.patchbay.shell.internal.command;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.patchbay.api.identity.Aor;
import org.patchbay.api.identity.Directory;
import org.patchbay.api.identity.DirectoryException;
import org.patchbay.api.identity.User;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code pb:useradd}, {@code pb:userdel}, {@code pb:users}, {@code pb:passwd}: thin front ends to the
 * {@link Directory}, which owns every rule (address, password, display name).
 *
 * <p>The directory reference is optional and dynamic: with a static reference the commands would vanish
 * while org.patchbay.core is stopped and Gogo would answer "Command not found", which sends the operator
 * looking for a typo. This way they stay and say what is missing.
 */
@Component(service = UserCommands.class)
@GogoCommand(scope = "pb", function = {"useradd", "userdel", "users", "passwd"})
public final class UserCommands {
    static final String UNAVAILABLE = "directory unavailable (bundle org.patchbay.core not active)";

    private static final Logger LOG = LoggerFactory.getLogger(UserCommands.class);

    private final AtomicReference<Directory> directory = new AtomicReference<>();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindDirectory(Directory service) {
        directory.set(service);
    }

    void unbindDirectory(Directory service) {
        directory.compareAndSet(service, null);
    }

    @Descriptor("create a user with digest credentials (MD5 and SHA-256); the domain is created on first use")
    public String useradd(
            @Descriptor("address of record, user@domain") String address,
            @Descriptor("password; quote it ('...') if it has spaces or any of ; | & $ { } ( ) [ ] ' \"") String password,
            @Descriptor("display name, may be several words (optional)") String... displayName) {
        String name = displayName.length == 0 ? null : String.join(" ", displayName);
        User user = call("pb:useradd", password, d -> d.create(Aor.parse(address), password, name));
        return "created user " + user.aor() + (user.displayName().isEmpty() ? "" : " \"" + user.displayName() + "\"");
    }

    @Descriptor("delete a user and its credentials")
    public String userdel(@Descriptor("address of record, user@domain") String address) {
        Aor aor = call("pb:userdel", null, d -> {
            Aor parsed = Aor.parse(address);
            d.delete(parsed);
            return parsed;
        });
        return "deleted user " + aor;
    }

    @Descriptor("list all users")
    public UserTable users() {
        return new UserTable(null, call("pb:users", null, d -> d.list(null)));
    }

    @Descriptor("list the users whose address or display name contains the filter (case-insensitive)")
    public UserTable users(@Descriptor("text to look for") String filter) {
        return new UserTable(filter, call("pb:users", null, d -> d.list(filter)));
    }

    @Descriptor("replace every credential of a user")
    public String passwd(
            @Descriptor("address of record, user@domain") String address,
            @Descriptor("new password; quote it ('...') if it has spaces or shell characters") String password) {
        Aor aor = call("pb:passwd", password, d -> {
            Aor parsed = Aor.parse(address);
            d.setPassword(parsed, password);
            return parsed;
        });
        return "changed the password of " + aor;
    }

    /** Runs one directory operation, turning every refusal into a one-line {@link CommandFailure}. */
    private <T> T call(String command, String password, Function<Directory, T> operation) {
        Directory d = directory.get();
        if (d == null) {
            throw new CommandFailure(command, UNAVAILABLE);
        }
        try {
            return operation.apply(d);
        } catch (IllegalArgumentException | DirectoryException e) {
            throw new CommandFailure(command, hide(password, String.valueOf(e.getMessage())));
        } catch (RuntimeException e) {
            LOG.error("{} failed", command, e);
            throw new CommandFailure(command, "failed: " + e.getClass().getSimpleName() + " (see the log)");
        }
    }

    /**
     * The directory does not echo passwords, but the shell promises never to, whatever the
     * implementation says; only whole-word occurrences are hidden so that a short password does not
     * garble the rest of the message.
     */
    static String hide(String password, String message) {
        if (password == null || password.isEmpty()) {
            return message;
        }
        Pattern word = Pattern.compile("(?<![\\p{L}\\p{N}])" + Pattern.quote(password) + "(?![\\p{L}\\p{N}])");
        return word.matcher(message).replaceAll(Matcher.quoteReplacement("***"));
    }
}
