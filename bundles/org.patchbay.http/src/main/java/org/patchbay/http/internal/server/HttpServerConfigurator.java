package org.patchbay.http.internal.server;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Map;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.patchbay.http.internal.NodeDirectories;
import org.patchbay.http.internal.tls.TlsKeystore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns PID {@value HttpSettings#PID} into the configuration of Felix HTTP, so Jetty listens where the
 * operator says. A changed configuration is applied live through {@link Modified} (Felix restarts
 * Jetty only if what it receives differs). An invalid one is logged in one line naming the key and
 * ignored: Jetty keeps the last good settings. When this component goes away — bundle stopped,
 * updated or configuration deleted — Felix HTTP is switched off, so no socket outlives it.
 */
@Component(service = {}, configurationPid = HttpSettings.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = HttpServerConfigurator.Config.class)
public final class HttpServerConfigurator {

    /** Metatype of {@value HttpSettings#PID}; the values themselves are parsed by {@link HttpSettings}. */
    @ObjectClassDefinition(name = "Patchbay HTTP server", description = "Where the node's HTTP and HTTPS "
            + "server listens and which TLS keystore it uses. Applied live.")
    public @interface Config {
        @AttributeDefinition(name = "Host", description = "Address to bind: 0.0.0.0 for every IPv4 interface, "
                + "127.0.0.1 for this machine only")
        String host() default HttpSettings.DEFAULT_HOST;

        @AttributeDefinition(name = "HTTP port", min = "1", max = "65535")
        int port() default HttpSettings.DEFAULT_PORT;

        @AttributeDefinition(name = "HTTPS enabled")
        boolean https_enabled() default true;

        @AttributeDefinition(name = "HTTPS port", min = "1", max = "65535")
        int https_port() default HttpSettings.DEFAULT_HTTPS_PORT;

        @AttributeDefinition(name = "Keystore", required = false, description = "Path of the keystore with the "
                + "server key and certificate, relative to the node home; empty: a self-signed one in data/tls")
        String keystore() default "";

        @AttributeDefinition(name = "Keystore password", required = false, type = AttributeType.PASSWORD,
                description = "Password of the keystore and of its key; required when keystore is set")
        String keystore_password() default "";

        @AttributeDefinition(name = "Keystore type", options = {@Option(label = "PKCS12", value = "PKCS12"),
                @Option(label = "JKS", value = "JKS")})
        String keystore_type() default HttpSettings.DEFAULT_KEYSTORE_TYPE;
    }

    private static final Logger LOG = LoggerFactory.getLogger(HttpServerConfigurator.class);
    private static final long CLOSE_WAIT_MILLIS = 5000;

    private final BundleContext context;
    private final FelixHttpConfig felix;
    private final Path home;
    private final Path data;
    // SCR never runs activate, modified and deactivate of one component concurrently
    private HttpSettings applied;

    @Activate
    public HttpServerConfigurator(BundleContext context, @Reference ConfigurationAdmin configAdmin,
            Map<String, Object> properties) {
        this.context = context;
        this.felix = new FelixHttpConfig(configAdmin);
        this.home = NodeDirectories.home(context);
        this.data = NodeDirectories.data(context);
        warnIfConfiguredByFile();
        apply(properties);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        apply(properties);
    }

    @Deactivate
    void deactivate() {
        // On framework shutdown Felix HTTP stops by itself. Leaving its configuration as it is lets the
        // next start bind at once with the last good settings (ConfigAdmin persists them), instead of
        // starting disabled and restarting Jetty when this component pushes the same values again.
        if (context.getBundle(Constants.SYSTEM_BUNDLE_ID).getState() == Bundle.STOPPING) {
            return;
        }
        try {
            felix.apply(FelixHttpConfig.disabled());
        } catch (IOException | IllegalStateException e) {
            LOG.warn("Cannot switch Felix HTTP off through {}: {}", FelixHttpConfig.PID, e.toString());
            return;
        }
        if (applied != null) {
            awaitClosed(applied);
        }
    }

    private void apply(Map<String, ?> properties) {
        String source = source(properties);
        HttpSettings s;
        TlsKeystore tls;
        try {
            s = HttpSettings.parse(properties);
            tls = s.httpsEnabled() ? Keystores.resolve(s, home, data) : null;
        } catch (InvalidSettingException e) {
            LOG.error("{}: key '{}': {}; {}", source, e.key(), e.getMessage(), keeping());
            return;
        } catch (IOException | GeneralSecurityException e) {
            LOG.error("{}: cannot prepare the TLS keystore under {}: {}; {}", source, data, e, keeping());
            return;
        }
        try {
            if (felix.apply(FelixHttpConfig.serving(s, tls))) {
                LOG.info("Felix HTTP set to listen on {}:{}{}", s.host(), s.port(),
                        s.httpsEnabled() ? " and HTTPS port " + s.httpsPort() : " (HTTPS off)");
            }
            applied = s;
        } catch (IOException | IllegalStateException e) {
            LOG.error("Cannot write configuration {}: {}; {}", FelixHttpConfig.PID, e.toString(), keeping());
        }
    }

    private String keeping() {
        return applied == null ? "HTTP stays off" : "keeping " + applied;
    }

    private static String source(Map<String, ?> properties) {
        Object file = properties.get(FelixHttpConfig.FILEINSTALL_FILE);
        return file != null ? file.toString() : "configuration " + HttpSettings.PID;
    }

    private void warnIfConfiguredByFile() {
        try {
            String file = felix.sourceFile();
            if (file != null) {
                LOG.warn("{} configures {} directly, but {} owns that configuration and replaces it; "
                        + "move the settings to conf/{}.cfg", file, FelixHttpConfig.PID, HttpSettings.PID, HttpSettings.PID);
            }
        } catch (IOException | IllegalStateException e) {
            // the write in apply() reports a broken ConfigurationAdmin
        }
    }

    /** Felix applies configurations asynchronously: wait (bounded) until the ports are really released. */
    private static void awaitClosed(HttpSettings s) {
        long deadline = System.nanoTime() + CLOSE_WAIT_MILLIS * 1_000_000;
        while (!PortProbe.free(s, s.port()) || s.httpsEnabled() && !PortProbe.free(s, s.httpsPort())) {
            if (System.nanoTime() > deadline) {
                LOG.warn("Port {} or {} is still bound {} ms after Felix HTTP was switched off",
                        s.port(), s.httpsPort(), CLOSE_WAIT_MILLIS);
                return;
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
