package org.patchbay.core.internal.config;

import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationPlugin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks every Patchbay configuration against its metatype before a component sees it. An invalid
 * value is logged once, naming the file and the key, and replaced by the last valid value (or
 * removed, so the component's default applies): the node keeps running on what it had. Unknown keys
 * are reported and passed through. Works because SCR reads configurations through
 * {@code Configuration.getProcessedProperties}, which applies ConfigurationPlugins.
 */
@Component(service = ConfigurationPlugin.class, property = ConfigurationPlugin.CM_RANKING + ":Integer=500", immediate = true)
public final class ConfigGuard implements ConfigurationPlugin {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigGuard.class);
    private static final String PREFIX = "org.patchbay.";
    private static final String FILE = "felix.fileinstall.filename";

    private final BundleContext context;
    private final MetaTypeService metatype;
    /** pid → key → last value that passed validation */
    private final Map<String, Map<String, Object>> lastGood = new ConcurrentHashMap<>();
    /** pid → key → the problem last reported, so repeated reads of one configuration log once */
    private final Map<String, Map<String, String>> reported = new ConcurrentHashMap<>();

    @Activate
    public ConfigGuard(BundleContext context, @Reference MetaTypeService metatype) {
        this.context = context;
        this.metatype = metatype;
    }

    @Override
    public void modifyConfiguration(ServiceReference<?> reference, Dictionary<String, Object> properties) {
        String pid = (String) properties.get(Constants.SERVICE_PID);
        String factoryPid = (String) properties.get(ConfigurationAdmin.SERVICE_FACTORYPID);
        String typePid = factoryPid != null ? factoryPid : pid;
        if (typePid == null || !typePid.startsWith(PREFIX)) {
            return;
        }
        ObjectClassDefinition ocd = find(typePid, factoryPid != null);
        if (ocd != null) {
            apply(pid, source(properties, pid), ocd, properties);
        }
    }

    void apply(String pid, String source, ObjectClassDefinition ocd, Dictionary<String, Object> properties) {
        Map<String, AttributeDefinition> ads = new HashMap<>();
        for (AttributeDefinition ad : ocd.getAttributeDefinitions(ObjectClassDefinition.ALL)) {
            ads.put(ad.getID(), ad);
        }
        Map<String, Object> good = lastGood.computeIfAbsent(pid, p -> new ConcurrentHashMap<>());
        Map<String, String> seen = reported.computeIfAbsent(pid, p -> new ConcurrentHashMap<>());
        for (String key : keys(properties)) {
            if (isFrameworkKey(key)) {
                continue;
            }
            Object value = properties.get(key);
            AttributeDefinition ad = ads.get(key);
            if (ad == null) {
                once(seen, key, "unknown key '" + key + "' (known: " + String.join(", ", new java.util.TreeSet<>(ads.keySet()))
                        + ")", source, false);
                continue;
            }
            String problem = ValueCheck.problem(ad, value);
            if (problem == null) {
                good.put(key, value);
                seen.remove(key);
                continue;
            }
            Object previous = good.get(key);
            if (previous != null) {
                properties.put(key, previous);
            } else {
                properties.remove(key);
            }
            once(seen, key, "key '" + key + "': " + problem + "; "
                    + (previous != null ? "keeping " + ValueCheck.show(previous) : "using the default"), source, true);
        }
    }

    private static void once(Map<String, String> seen, String key, String message, String source, boolean error) {
        if (Objects.equals(seen.put(key, message), message)) {
            return;
        }
        if (error) {
            LOG.error("{}: {}", source, message);
        } else {
            LOG.warn("{}: {}", source, message);
        }
    }

    private ObjectClassDefinition find(String pid, boolean factory) {
        for (Bundle b : context.getBundles()) {
            String bsn = b.getSymbolicName();
            if (bsn == null || !bsn.startsWith(PREFIX) || b.getState() == Bundle.UNINSTALLED) {
                continue;
            }
            MetaTypeInformation info = metatype.getMetaTypeInformation(b);
            if (info == null) {
                continue;
            }
            for (String p : factory ? info.getFactoryPids() : info.getPids()) {
                if (p.equals(pid)) {
                    return info.getObjectClassDefinition(pid, null);
                }
            }
        }
        return null;
    }

    private static String source(Dictionary<String, Object> properties, String pid) {
        Object file = properties.get(FILE);
        if (file == null) {
            return "configuration " + pid;
        }
        String f = file.toString();
        return f.startsWith("file:") ? java.net.URI.create(f).getPath() : f;
    }

    private static boolean isFrameworkKey(String key) {
        return key.startsWith("service.") || key.startsWith("felix.fileinstall.") || key.startsWith("component.")
                || key.equals(ConfigurationAdmin.SERVICE_BUNDLELOCATION);
    }

    private static List<String> keys(Dictionary<String, Object> properties) {
        List<String> keys = new ArrayList<>();
        for (var e = properties.keys(); e.hasMoreElements();) {
            keys.add(e.nextElement());
        }
        return keys;
    }
}
