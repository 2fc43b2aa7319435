package org.patchbay.core.internal.call;

import java.nio.file.Path;

import javax.sql.DataSource;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.io.TempDir;

/** The CDR store contract on H2 (the default store), file mode as in production. */
class H2CdrStoreTest extends CdrStoreContract {
    @TempDir
    Path dir;

    @Override
    DataSource migratedDatabase() throws Exception {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:file:" + dir.resolve("cdr") + ";DB_CLOSE_DELAY=-1");
        CallManagerTest.migrate(ds);
        return ds;
    }
}
