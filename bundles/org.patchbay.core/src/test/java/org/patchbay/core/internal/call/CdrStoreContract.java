package org.patchbay.core.internal.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.patchbay.api.call.CallRecord;

/**
 * What the CDR store must do on every database the store supports, with the bundle's real migrations: each leg's final
 * media statistics (V2) are written and read back, legs without media stay without.
 */
abstract class CdrStoreContract {

    abstract DataSource migratedDatabase() throws Exception;

    @Test
    void legMediaStatisticsRoundTrip() throws Exception {
        CdrStore store = new CdrStore(migratedDatabase());
        Instant t = Instant.parse("2026-11-22T00:00:00Z");
        CallRecord.LegMedia caller = new CallRecord.LegMedia("PCMU/8000", 1500, 258_000, 1490, 256_280, 3, 2.25,
                41.5, false);
        CallRecord.LegMedia browser = new CallRecord.LegMedia("opus/48000", 10, 1_000, 12, 1_200, 0, 0, -1, true);
        CallRecord r = new CallRecord("c1", "alice@example.com", "bob@example.com", List.of(
                new CallRecord.LegRecord("c1.1", "sip", "alice@example.com", "caller", "hung up", caller),
                new CallRecord.LegRecord("c1.2", "sip", "bob@example.com", "callee", "busy"),
                new CallRecord.LegRecord("c1.3", "sip", "bob@example.com", "callee", "answered", browser)),
                t, t.plusSeconds(2), t.plus(32_500, ChronoUnit.MILLIS), "normal", "caller", 200);
        store.write(List.of(r));

        CallRecord back = store.find("c1").orElseThrow();
        assertEquals(r.legs(), back.legs());
        assertEquals(caller, back.legs().get(0).media());
        assertNull(back.legs().get(1).media());
        assertEquals(browser, store.recent(1).get(0).legs().get(2).media());
    }
}
