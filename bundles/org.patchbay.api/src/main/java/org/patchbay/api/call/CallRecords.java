package org.patchbay.api.call;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/** Durable call records (CDRs). */
@ProviderType
public interface CallRecords {

    /** The most recent records, newest first, at most {@code limit}. */
    List<CallRecord> recent(int limit);

    Optional<CallRecord> find(String id);

    long count();
}
