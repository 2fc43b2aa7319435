package org.patchbay.core.internal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.reflect.Proxy;
import java.util.Dictionary;
import java.util.Hashtable;

import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;

class ConfigGuardTest {

    private final ConfigGuard guard = new ConfigGuard(unused(BundleContext.class), unused(MetaTypeService.class));
    private final ObjectClassDefinition ocd = ocd(
            ad("port", AttributeDefinition.INTEGER, null),
            ad("enabled", AttributeDefinition.BOOLEAN, null),
            ad("mode", AttributeDefinition.STRING, new String[] {"a", "b"}));

    @Test
    void validValuesPassUntouched() {
        Dictionary<String, Object> p = props("port", "8080", "enabled", "true", "mode", "b", "extra", "x");
        guard.apply("org.patchbay.x", "conf/x.cfg", ocd, p);
        assertEquals("8080", p.get("port"));
        assertEquals("true", p.get("enabled"));
        assertEquals("b", p.get("mode"));
        assertEquals("x", p.get("extra"), "unknown keys are reported, not dropped");
    }

    @Test
    void invalidValueFallsBackToLastGoodThenToDefault() {
        Dictionary<String, Object> first = props("port", "9090");
        guard.apply("org.patchbay.x", "conf/x.cfg", ocd, first);
        Dictionary<String, Object> bad = props("port", "80a", "enabled", "yes", "mode", "c");
        guard.apply("org.patchbay.x", "conf/x.cfg", ocd, bad);
        assertEquals("9090", bad.get("port"), "previous valid port kept");
        assertNull(bad.get("enabled"), "no previous value: default applies");
        assertNull(bad.get("mode"));
    }

    @Test
    void typedValuesAndArraysAreChecked() {
        Dictionary<String, Object> p = props("port", 5060);
        guard.apply("org.patchbay.y", "conf/y.config", ocd, p);
        assertEquals(5060, p.get("port"));
        Dictionary<String, Object> arr = props("port", new String[] {"1", "x"});
        guard.apply("org.patchbay.y", "conf/y.config", ocd, arr);
        assertEquals(5060, arr.get("port"));
    }

    @Test
    void problemsAreWordedForOperators() {
        assertEquals("'80a' is not an integer", ValueCheck.problem(ad("port", AttributeDefinition.INTEGER, null), "80a"));
        assertEquals("'yes' is not a boolean (true or false)",
                ValueCheck.problem(ad("e", AttributeDefinition.BOOLEAN, null), "yes"));
        assertEquals("'c' is not one of a, b", ValueCheck.problem(ad("m", AttributeDefinition.STRING, new String[] {"a", "b"}), "c"));
        assertNull(ValueCheck.problem(ad("port", AttributeDefinition.INTEGER, null), " 42 "));
    }

    private static Dictionary<String, Object> props(Object... kv) {
        Hashtable<String, Object> t = new Hashtable<>();
        for (int i = 0; i < kv.length; i += 2) {
            t.put((String) kv[i], kv[i + 1]);
        }
        return t;
    }

    private static AttributeDefinition ad(String id, int type, String[] options) {
        return (AttributeDefinition) Proxy.newProxyInstance(ConfigGuardTest.class.getClassLoader(),
                new Class<?>[] {AttributeDefinition.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "getID" -> id;
                    case "getType" -> type;
                    case "getOptionValues" -> options;
                    case "validate" -> "";
                    default -> null;
                });
    }

    private static ObjectClassDefinition ocd(AttributeDefinition... ads) {
        return (ObjectClassDefinition) Proxy.newProxyInstance(ConfigGuardTest.class.getClassLoader(),
                new Class<?>[] {ObjectClassDefinition.class},
                (proxy, m, args) -> m.getName().equals("getAttributeDefinitions") ? ads : null);
    }

    @SuppressWarnings("unchecked")
    private static <T> T unused(Class<T> type) {
        return (T) Proxy.newProxyInstance(ConfigGuardTest.class.getClassLoader(), new Class<?>[] {type}, (p, m, a) -> {
            throw new UnsupportedOperationException(m.getName());
        });
    }
}
