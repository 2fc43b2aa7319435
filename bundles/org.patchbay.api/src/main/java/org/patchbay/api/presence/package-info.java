/**
 * Presence, protocol-neutral: adapters (SIP PUBLISH, vendor bundles) publish a user's state, the node composes it with
 * what it knows (registrations, calls) and watchers learn about changes through the {@link
 * org.patchbay.api.presence.PresenceListener} whiteboard.
 */
@Export
@Version("1.0.0")
package org.patchbay.api.presence;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
