@Export
@Version("1.1.0")
package org.patchbay.api.http;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
