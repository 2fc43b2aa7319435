/**
 * Pager-mode messaging, protocol-neutral: {@link org.patchbay.api.messaging.MessageService} stores and routes messages
 * between users; protocol adapters (SIP, later vendor chat protocols) receive them from their clients and deliver them
 * to their bindings as {@link org.patchbay.api.messaging.MessageDeliverer} services.
 */
@Export
@Version("1.0.0")
package org.patchbay.api.messaging;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
