package org.patchbay.shell.internal.telnet;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;

import org.apache.felix.service.command.CommandProcessor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Gogo shell over telnet, on the loopback interface only unless {@code allow.remote=true}. There is
 * no login: whoever can open a connection to the port gets the shell, hence the loopback default.
 *
 * <p>A bad configuration (non-loopback host, port out of range, port in use) is logged as one error line
 * naming the key, and the console stays off until the configuration is fixed; the component itself
 * activates, so SCR does not add a stack trace. A configuration change restarts the console.
 */
@Component(configurationPid = TelnetConsole.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = TelnetConsole.Config.class)
public final class TelnetConsole {
    static final String PID = "org.patchbay.shell.telnet";
    static final int MAX_LINE_BYTES = 8 * 1024;
    static final int MAX_SESSIONS = 64;

    @ObjectClassDefinition(name = "Patchbay telnet console",
            description = "Gogo shell over telnet; no login, so keep it on the loopback interface")
    public @interface Config {
        @AttributeDefinition(description = "Whether the telnet console listens at all")
        boolean enabled() default true;

        @AttributeDefinition(description = "Address to listen on; must be a loopback address unless allow.remote is true")
        String host() default "127.0.0.1";

        @AttributeDefinition(description = "TCP port (0 picks a free one, reported in the log)", min = "0", max = "65535")
        int port() default 6666;

        @AttributeDefinition(description = "Allow a non-loopback host: anyone who reaches the port gets the shell, without login")
        boolean allow_remote() default false;

        @AttributeDefinition(description = "Sessions served at the same time; more are told so and closed", min = "1", max = "64")
        int max_sessions() default 8;

        @AttributeDefinition(description = "Seconds without input after which a session is closed (0: never)", min = "0")
        int idle_timeout_seconds() default 1800;
    }

    private static final Logger LOG = LoggerFactory.getLogger(TelnetConsole.class);

    private final TelnetServer server;

    @Activate
    public TelnetConsole(@Reference CommandProcessor processor, Config config) {
        this.server = start(processor, config);
    }

    /** The address listened on, or null when the console is off. */
    InetSocketAddress address() {
        return server == null ? null : server.localAddress();
    }

    @Deactivate
    void deactivate() {
        if (server != null) {
            server.close();
            LOG.info("telnet console closed");
        }
    }

    private static TelnetServer start(CommandProcessor processor, Config config) {
        if (!config.enabled()) {
            LOG.info("telnet console disabled (enabled=false in {})", PID);
            return null;
        }
        TelnetServer.Settings settings;
        try {
            settings = settings(config);
        } catch (IllegalArgumentException e) {
            LOG.error("{}: {}; telnet console not started", PID, e.getMessage());
            return null;
        }
        TelnetServer server = new TelnetServer(processor, settings);
        try {
            server.start();
        } catch (IOException e) {
            LOG.error("{}: cannot listen on {}:{}: {}; telnet console not started", PID, config.host(),
                    config.port(), e.getMessage());
            return null;
        }
        InetSocketAddress bound = server.localAddress();
        LOG.info("telnet console on {}:{}", bound.getAddress().getHostAddress(), bound.getPort());
        return server;
    }

    /** @throws IllegalArgumentException naming the key that is wrong */
    static TelnetServer.Settings settings(Config config) {
        if (config.port() < 0 || config.port() > 65535) {
            throw new IllegalArgumentException("port " + config.port() + " is not in 0-65535");
        }
        if (config.max_sessions() < 1 || config.max_sessions() > MAX_SESSIONS) {
            throw new IllegalArgumentException("max.sessions " + config.max_sessions() + " is not in 1-" + MAX_SESSIONS);
        }
        if (config.idle_timeout_seconds() < 0) {
            throw new IllegalArgumentException("idle.timeout.seconds " + config.idle_timeout_seconds()
                    + " must not be negative");
        }
        InetAddress host;
        try {
            host = InetAddress.getByName(config.host().strip());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("host '" + config.host() + "' cannot be resolved");
        }
        if (!host.isLoopbackAddress() && !config.allow_remote()) {
            throw new IllegalArgumentException("host " + config.host() + " is not a loopback address"
                    + " (set allow.remote=true to listen on it: the console has no login)");
        }
        return new TelnetServer.Settings(new InetSocketAddress(host, config.port()), config.max_sessions(),
                Duration.ofSeconds(config.idle_timeout_seconds()), MAX_LINE_BYTES);
    }
}
