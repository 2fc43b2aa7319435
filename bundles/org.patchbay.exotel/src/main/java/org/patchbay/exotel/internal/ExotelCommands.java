package org.patchbay.exotel.internal;

import java.util.List;

import org.apache.felix.service.command.Descriptor;

/**
 * {@code pb:exotel}: accounts, their users and the call-connect calls. Registered by {@link ExotelComponent} with the
 * {@code osgi.command.*} properties.
 *
 * <pre>
 * pb:exotel accounts                                    list accounts
 * pb:exotel accounts add &lt;sid&gt; &lt;apiKey&gt; [name] [token]   add one (a token is generated and shown once when none given)
 * pb:exotel accounts remove &lt;sid&gt;
 * pb:exotel users [sid]                                 SIP users per account
 * pb:exotel users add &lt;sid&gt; &lt;user@domain&gt; [password]     own a user (created in the directory with a password)
 * pb:exotel users remove &lt;sid&gt; &lt;user@domain&gt;
 * pb:exotel calls [n | CallSid]                         newest calls, or one call
 * </pre>
 */
public final class ExotelCommands {
    private final Exotel exotel;

    ExotelCommands(Exotel exotel) {
        this.exotel = exotel;
    }

    @Descriptor("Exotel accounts, users and calls: accounts [add <sid> <apiKey> [name] [token] | remove <sid>], "
            + "users [<sid> | add <sid> <user@domain> [password] | remove <sid> <user@domain>], calls [n | CallSid]")
    public String exotel(@Descriptor("accounts | users | calls, then the subcommand") String... args) {
        try {
            return run(args);
        } catch (ApiError e) {
            throw new CommandFailure("pb:exotel: " + e.getMessage());
        }
    }

    private String run(String[] a) throws ApiError {
        String what = a.length == 0 ? "" : a[0];
        switch (what) {
            case "accounts":
                if (a.length == 1) {
                    StringBuilder sb = new StringBuilder(String.format("%-24s %-24s %s%n", "SID", "API KEY", "NAME"));
                    for (Account acc : exotel.accounts()) {
                        sb.append(String.format("%-24s %-24s %s%n", acc.sid(), acc.apiKey(), acc.name()));
                    }
                    return sb.toString().stripTrailing();
                }
                if (a[1].equals("add") && a.length >= 4 && a.length <= 6) {
                    String token = exotel.addAccount(a[2], a.length > 4 ? a[4] : null, a[3], a.length > 5 ? a[5] : null);
                    return "account " + a[2] + " added; API key " + a[3]
                            + (a.length > 5 ? "" : ", API token " + token + " (shown once, only its hash is stored)");
                }
                if (a[1].equals("remove") && a.length == 3) {
                    return exotel.removeAccount(a[2]) ? "account " + a[2] + " removed" : fail("no account " + a[2]);
                }
                return fail("usage: exotel accounts [add <sid> <apiKey> [name] [token] | remove <sid>]");
            case "users":
                if (a.length <= 2) {
                    List<String[]> users = exotel.users(a.length == 2 ? a[1] : null);
                    StringBuilder sb = new StringBuilder(String.format("%-24s %s%n", "ACCOUNT", "USER"));
                    users.forEach(u -> sb.append(String.format("%-24s %s%n", u[1], u[0])));
                    return sb.toString().stripTrailing();
                }
                if (a[1].equals("add") && (a.length == 4 || a.length == 5)) {
                    exotel.addUser(a[2], a[3], a.length == 5 ? a[4] : null, "");
                    return a[3] + " is a user of account " + a[2];
                }
                if (a[1].equals("remove") && a.length == 4) {
                    return exotel.removeUser(a[2], a[3]) ? a[3] + " removed from account " + a[2]
                            : fail("no user " + a[3] + " in account " + a[2]);
                }
                return fail("usage: exotel users [<sid> | add <sid> <user@domain> [password] | remove <sid> <user>]");
            case "calls":
                if (a.length == 2 && !a[1].matches("\\d{1,4}")) {
                    return exotel.call(a[1]).map(c -> Render.fields(c, exotel.settings().apiPath()).toString())
                            .orElseGet(() -> fail("no call " + a[1]));
                }
                int n = a.length == 2 ? Math.max(1, Integer.parseInt(a[1])) : 20;
                StringBuilder sb = new StringBuilder(String.format("%-32s %-12s %-20s %-24s %-24s %s%n", "SID",
                        "STATUS", "CREATED", "FROM", "TO", "DURATION"));
                for (CallResource c : exotel.recent(n)) {
                    sb.append(String.format("%-32s %-12s %-20s %-24s %-24s %s%n", c.sid(), c.status(),
                            Render.time(c.dateCreated()), c.from(), c.to(), c.duration() == null ? "" : c.duration()));
                }
                return sb.toString().stripTrailing();
            default:
                return fail("usage: exotel accounts|users|calls …");
        }
    }

    private static String fail(String problem) {
        throw new CommandFailure("pb:exotel: " + problem);
    }

    /** A command's one-line refusal; {@link #toString()} is the bare message, so consoles print just that line. */
    public static final class CommandFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CommandFailure(String message) {
            super(message, null, false, false);
        }

        @Override
        public String toString() {
            return getMessage();
        }
    }
}
