package org.patchbay.api.presence;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Whiteboard: told when a user's composed presence changes (a publication, a registration coming or going, a call
 * starting or ending). Called on the presence core's own notification thread, in order per user; do not block.
 */
@ConsumerType
public interface PresenceListener {

    void presenceChanged(PresenceState presence);
}
