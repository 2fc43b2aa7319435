package org.patchbay.api.media;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/** What the media engine knows about the calls it anchors. Thread-safe; never blocks on the network. */
@ProviderType
public interface MediaService {

    /** Statistics of every leg of call {@code callId} the engine holds an endpoint for; empty when none. */
    List<MediaStats> stats(String callId);

    /** Number of calls and of leg endpoints currently held. */
    int calls();

    int endpoints();
}
