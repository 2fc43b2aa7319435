@Export
@Version("1.0.0")
package org.patchbay.api.location;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
