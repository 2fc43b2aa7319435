package org.patchbay.store.internal;

import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;

/** The migration contract on embedded H2 (a fresh database file per test). */
class H2MigrationTest extends MigrationContract {

    @TempDir
    Path data;

    @Override
    Store openStore() {
        return Store.open(StoreSettings.h2(data.resolve("db").resolve("patchbay")));
    }

    @Override
    boolean transactionalDdl() {
        return false;
    }
}
