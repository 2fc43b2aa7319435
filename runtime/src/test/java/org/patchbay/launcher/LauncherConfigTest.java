package org.patchbay.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;

import org.junit.jupiter.api.Test;

class LauncherConfigTest {

    private final Map<String, String> values = Map.of("patchbay.home", "/opt/pb", "patchbay.data", "${patchbay.home}/data");

    @Test
    void substitutesNestedReferences() {
        assertEquals("/opt/pb/data/cache", LauncherConfig.substitute("${patchbay.data}/cache", values::get));
    }

    @Test
    void leavesUnknownReferencesAsTheyAre() {
        assertEquals("${nope}/x and /opt/pb", LauncherConfig.substitute("${nope}/x and ${patchbay.home}", values::get));
    }

    @Test
    void startLevelsMatchNamesAndPrefixesAndFallBackToTheDefault() {
        StartLevels levels = StartLevels.from(Map.of(
                "patchbay.startlevel.1", "org.apache.aries.spifly.dynamic.bundle, org.objectweb.asm*",
                "patchbay.startlevel.3", "org.objectweb.asm.util",
                "patchbay.startlevel.default", "12",
                "unrelated.key", "x"));

        assertEquals(1, levels.levelOf("org.apache.aries.spifly.dynamic.bundle"));
        assertEquals(1, levels.levelOf("org.objectweb.asm.util"), "lowest matching level wins");
        assertEquals(12, levels.levelOf("org.patchbay.core"));
        assertEquals(12, levels.levelOf(null));
    }

    @Test
    void badStartLevelIsRejectedWithTheKey() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> StartLevels.from(Map.of("patchbay.startlevel.x", "a")));
        assertEquals("patchbay.startlevel.x: not a start level: x", e.getMessage());
    }
}
