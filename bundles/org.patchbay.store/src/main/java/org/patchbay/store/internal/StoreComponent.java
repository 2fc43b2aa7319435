package org.patchbay.store.internal;

import java.nio.file.Path;

import javax.sql.DataSource;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.patchbay.api.node.NodeProperties;
import org.patchbay.api.store.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's database service. Requires its configuration (the distribution ships
 * {@code conf/org.patchbay.store.cfg}, all keys commented out, so the embedded defaults apply), so that
 * FileInstall's configuration arriving after boot does not open the database twice. Any change to the
 * configuration re-creates the component: the service goes away and comes back, as the API says.
 */
@Component(service = Database.class, configurationPid = StoreComponent.PID, immediate = true,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = StoreComponent.Config.class)
public final class StoreComponent implements Database {

    static final String PID = "org.patchbay.store";
    static final String DATA_PROPERTY = NodeProperties.DATA;

    private static final Logger LOG = LoggerFactory.getLogger(StoreComponent.class);

    @ObjectClassDefinition(name = "Patchbay store",
            description = "The node's relational database: embedded H2 in the data directory, or PostgreSQL.")
    public @interface Config {
        @AttributeDefinition(name = "JDBC URL", required = false,
                description = "Empty: embedded H2. jdbc:postgresql://host[:port]/database: PostgreSQL.")
        String url() default "";

        @AttributeDefinition(name = "User", required = false, description = "PostgreSQL user.")
        String user() default "patchbay";

        /** Key {@code .password}: the leading dot keeps it out of the service properties. */
        @AttributeDefinition(name = "Password", type = AttributeType.PASSWORD, required = false,
                description = "PostgreSQL password. Never logged.")
        String _password() default "";

        @AttributeDefinition(name = "H2 file", required = false,
                description = "Embedded H2 only: database file without .mv.db. Empty: ${patchbay.data}/db/patchbay.")
        String h2_path() default "";

        @AttributeDefinition(name = "Pool size", min = "1", max = "100", description = "Most connections at once.")
        int pool_maxSize() default 8;

        @AttributeDefinition(name = "Idle connections", min = "0", description = "Connections kept open when idle.")
        int pool_minIdle() default 1;

        @AttributeDefinition(name = "Connection timeout (ms)", min = "250",
                description = "How long a caller waits for a connection before getting an SQLException.")
        long pool_connectionTimeoutMs() default 5000;
    }

    private final Store store;

    @Activate
    public StoreComponent(BundleContext context, Config config) {
        try {
            store = Store.open(StoreSettings.from(config, dataDirectory(context)));
        } catch (RuntimeException e) {
            LOG.error("Store: {} ({})", e.getMessage(), PID);
            throw e;
        }
    }

    @Deactivate
    void deactivate() {
        store.close();
    }

    @Override
    public DataSource dataSource() {
        return store.dataSource();
    }

    @Override
    public String product() {
        return store.settings().product().displayName();
    }

    @Override
    public void migrate(String module, Bundle owner, String location) {
        store.migrate(Migrator.checkModule(module), new BundleScriptSource(owner, location));
    }

    /** {@code patchbay.data}; tests that do not set it get a folder under the temp directory. */
    static Path dataDirectory(BundleContext context) {
        String data = context.getProperty(DATA_PROPERTY);
        if (data != null && !data.isBlank()) {
            return Path.of(data.trim());
        }
        Path fallback = Path.of(System.getProperty("java.io.tmpdir"), "patchbay-data");
        LOG.warn("Store: framework property {} is not set; using {}", DATA_PROPERTY, fallback);
        return fallback;
    }
}
