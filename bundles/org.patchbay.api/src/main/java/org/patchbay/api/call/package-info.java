@Export
@Version("1.3.0")
package org.patchbay.api.call;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
