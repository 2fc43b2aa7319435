@Export
@Version("1.3.0")
package org.patchbay.api.media;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
