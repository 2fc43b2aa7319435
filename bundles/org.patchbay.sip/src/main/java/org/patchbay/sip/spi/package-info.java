/**
 * For bundles that add SIP methods (presence, messaging, vendors): register a {@link org.patchbay.sip.spi.SipRequestHandler}
 * and use the {@link org.patchbay.sip.spi.SipNode} service to send requests.
 */
@Export
@Version("1.2.0")
package org.patchbay.sip.spi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
