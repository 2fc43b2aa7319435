package org.patchbay.sip.internal.stack;

import java.nio.file.Path;

/** Package-private stack helpers for tests in other packages. */
public final class StackTesting {
    private StackTesting() {
    }

    /** The node's self-signed keystore, generated in {@code dir}. */
    public static SipStackRuntime.Keystore keystore(Path dir) throws Exception {
        return SipKeystores.ensure(dir, false);
    }

    public static void quietStack() {
        RawSip.quietStack();
    }
}
