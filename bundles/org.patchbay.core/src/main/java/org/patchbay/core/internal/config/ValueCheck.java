package org.patchbay.core.internal.config;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

import org.osgi.service.metatype.AttributeDefinition;

/** Whether a configuration value fits its attribute definition; the problem in words if not. */
final class ValueCheck {

    private ValueCheck() {
    }

    /** @return null when valid, else one phrase saying what is wrong */
    static String problem(AttributeDefinition ad, Object value) {
        for (Object v : elements(value)) {
            String s = v == null ? "" : v.toString().strip();
            String p = typeProblem(ad.getType(), s);
            if (p == null) {
                p = optionProblem(ad, s);
            }
            if (p == null) {
                String verdict = ad.validate(s);
                p = verdict == null || verdict.isEmpty() ? null : verdict;
            }
            if (p != null) {
                return "'" + show(v) + "' is " + p;
            }
        }
        return null;
    }

    static String show(Object value) {
        String s = String.valueOf(value instanceof Object[] a ? List.of(a) : value);
        return s.length() > 60 ? s.substring(0, 60) + "…" : s;
    }

    private static String typeProblem(int type, String s) {
        try {
            switch (type) {
                case AttributeDefinition.INTEGER -> Integer.parseInt(s);
                case AttributeDefinition.LONG -> Long.parseLong(s);
                case AttributeDefinition.SHORT -> Short.parseShort(s);
                case AttributeDefinition.BYTE -> Byte.parseByte(s);
                case AttributeDefinition.DOUBLE -> Double.parseDouble(s);
                case AttributeDefinition.FLOAT -> Float.parseFloat(s);
                case AttributeDefinition.BOOLEAN -> {
                    String b = s.toLowerCase(Locale.ROOT);
                    if (!b.equals("true") && !b.equals("false")) {
                        return "not a boolean (true or false)";
                    }
                }
                case AttributeDefinition.CHARACTER -> {
                    if (s.length() != 1) {
                        return "not a single character";
                    }
                }
                default -> {
                    return null;
                }
            }
            return null;
        } catch (NumberFormatException e) {
            return "not " + typeName(type);
        }
    }

    private static String optionProblem(AttributeDefinition ad, String s) {
        String[] options = ad.getOptionValues();
        if (options == null || options.length == 0) {
            return null;
        }
        for (String o : options) {
            if (o.equals(s)) {
                return null;
            }
        }
        return "not one of " + String.join(", ", options);
    }

    private static String typeName(int type) {
        return switch (type) {
            case AttributeDefinition.INTEGER -> "an integer";
            case AttributeDefinition.LONG -> "a long integer";
            case AttributeDefinition.SHORT -> "a short integer";
            case AttributeDefinition.BYTE -> "a byte";
            case AttributeDefinition.DOUBLE, AttributeDefinition.FLOAT -> "a number";
            default -> "valid";
        };
    }

    private static List<Object> elements(Object value) {
        List<Object> list = new ArrayList<>();
        if (value instanceof Collection<?> c) {
            list.addAll(c);
        } else if (value != null && value.getClass().isArray()) {
            for (int i = 0; i < Array.getLength(value); i++) {
                list.add(Array.get(value, i));
            }
        } else {
            list.add(value);
        }
        return list;
    }
}
