package org.patchbay.shell.internal.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Checks the component descriptions bnd generated (target/classes/OSGI-INF) against the classes: Gogo
 * registers exactly the functions listed in osgi.command.function, and every one must have help text.
 */
class CommandRegistrationTest {

    @ParameterizedTest
    @ValueSource(classes = {UserCommands.class, NodeCommands.class, RegCommands.class, CallCommands.class})
    void everyListedFunctionExistsAndEveryPublicMethodIsListedWithHelp(Class<?> type) throws Exception {
        Path xml = Path.of("target/classes/OSGI-INF", type.getName() + ".xml");
        String description = Files.readString(xml);
        assertTrue(description.contains("<property name=\"osgi.command.scope\" type=\"String\" value=\"pb\"/>"), description);
        Matcher m = Pattern.compile("<property name=\"osgi.command.function\" type=\"String\">([^<]*)</property>")
                .matcher(description);
        assertTrue(m.find(), description);
        Set<String> functions = new TreeSet<>(Arrays.asList(m.group(1).strip().split("\\s+")));

        Set<String> methods = new TreeSet<>();
        for (Method method : type.getDeclaredMethods()) {
            if (!Modifier.isPublic(method.getModifiers()) || method.isSynthetic()) {
                continue;
            }
            methods.add(method.getName());
            assertNotNull(method.getAnnotation(Descriptor.class), method + " has no @Descriptor");
            for (Parameter p : method.getParameters()) {
                if (p.getType() != CommandSession.class) {
                    assertNotNull(p.getAnnotation(Descriptor.class), method + " parameter " + p + " has no @Descriptor");
                }
            }
        }
        assertEquals(functions, methods);
        assertFalse(methods.isEmpty());
    }
}
