package org.patchbay.http.internal.server;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;

import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/** An in-memory ConfigurationAdmin that records every update of every PID. */
final class FakeConfigAdmin {

    final Map<String, Hashtable<String, Object>> current = new HashMap<>();
    final List<Map<String, Object>> updates = new ArrayList<>();
    final List<String> locations = new ArrayList<>();

    ConfigurationAdmin service() {
        return (ConfigurationAdmin) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ConfigurationAdmin.class}, (p, m, a) -> {
                    if (m.getName().equals("getConfiguration") && a.length == 2) {
                        locations.add((String) a[1]);
                        return configuration((String) a[0]);
                    }
                    throw new UnsupportedOperationException("configAdmin." + m.getName());
                });
    }

    private Configuration configuration(String pid) {
        return (Configuration) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Configuration.class},
                (p, m, a) -> switch (m.getName()) {
                    case "getProperties" -> {
                        Hashtable<String, Object> c = current.get(pid);
                        yield c == null ? null : new Hashtable<>(c);
                    }
                    case "update" -> {
                        @SuppressWarnings("unchecked")
                        Dictionary<String, Object> d = (Dictionary<String, Object>) a[0];
                        Hashtable<String, Object> stored = new Hashtable<>();
                        for (String k : Collections.list(d.keys())) {
                            stored.put(k, d.get(k));
                        }
                        updates.add(new HashMap<>(stored));
                        stored.put("service.pid", pid);
                        current.put(pid, stored);
                        yield null;
                    }
                    case "getPid" -> pid;
                    default -> throw new UnsupportedOperationException("configuration." + m.getName());
                });
    }

    Map<String, Object> last() {
        return updates.get(updates.size() - 1);
    }
}
