package org.patchbay.itests.e2e.exotel;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.patchbay.itests.e2e.browser.NpmCache;

/**
 * Fetches the Exotel WebSDK into the e2e cache outside the loopback-only namespace (the default failsafe execution
 * runs before the {@code browser-media} one, whose {@code ExotelSdkIT} has no registry), and checks the package holds
 * what the harness serves: the UMD bundle defining {@code exotelSDK.ExotelWebClient} and the wav files it loads.
 */
class ExotelSdkPackageIT {

    @Test
    void sdkPackageHasTheBundleAndItsSounds() throws Exception {
        String skip = ExotelSdk.unavailable();
        assumeTrue(skip == null, skip);
        Path dist = NpmCache.vendorPackage(ExotelSdk.SPEC).resolve("dist");
        String js = Files.readString(dist.resolve("exotelsdk.js"));
        assertTrue(js.contains("ExotelWebClient") && js.contains("exotelSDK"), "dist/exotelsdk.js is the UMD bundle");
        // the agent server of ExotelSdkIT serves these too (AgentServer.start needs them)
        assertTrue(Files.isRegularFile(NpmCache.libraries().resolve("sip.js")));
        for (String wav : new String[] {"ringtone.wav", "dtmf.wav", "beep.wav", "ringbacktone.wav"}) {
            assertTrue(Files.isRegularFile(dist.resolve(wav)), wav);
        }
    }
}
