package org.patchbay.itests.osgi;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.function.Supplier;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.patchbay.itests.osgi.fixture.HelloComponent;

/** deploy/: a dropped bundle is installed and started and its component activated; removed, it is gone. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DeployIT {

    private static final String BSN = "org.patchbay.itest.hello";
    private static final String FILTER = "(pb.itest=deploy)";

    @Inject
    private BundleContext context;

    @Configuration
    public Option[] config() {
        return NodeOptions.node("deploy");
    }

    @Test
    public void droppedBundleStartsAndRemovedBundleIsUninstalled() throws Exception {
        new Node(context).awaitHealthy(30_000);
        Path deploy = Path.of(context.getProperty("patchbay.itest.deploy"));
        Path staged = deploy.getParent().resolve("hello.jar.tmp");
        writeFixtureBundle(staged);
        Path jar = deploy.resolve("hello.jar");

        long start = System.nanoTime();
        Files.move(staged, jar, StandardCopyOption.ATOMIC_MOVE);
        assertTrue("component of the dropped bundle active within 2 s",
                Node.waitFor(2_000, () -> hello() != null));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals("hello from deploy/", hello());
        assertEquals(Bundle.ACTIVE, bundle().getState());
        System.out.println("deploy/: bundle active " + millis + " ms after the drop");

        Files.delete(jar);
        assertTrue("bundle uninstalled after the jar was removed", Node.waitFor(3_000, () -> bundle() == null));
        assertEquals(null, hello());
    }

    @SuppressWarnings("unchecked")
    private String hello() {
        try {
            Collection<ServiceReference<Supplier>> refs = context.getServiceReferences(Supplier.class, FILTER);
            if (refs.isEmpty()) {
                return null;
            }
            ServiceReference<Supplier> ref = refs.iterator().next();
            try {
                return (String) context.getService(ref).get();
            } finally {
                context.ungetService(ref);
            }
        } catch (Exception e) {
            return null;
        }
    }

    private Bundle bundle() {
        for (Bundle b : context.getBundles()) {
            if (BSN.equals(b.getSymbolicName())) {
                return b;
            }
        }
        return null;
    }

    /** A real DS bundle: the fixture class, its component description and a manifest. */
    private static void writeFixtureBundle(Path target) throws IOException {
        Manifest mf = new Manifest();
        Attributes a = mf.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", BSN);
        a.putValue("Bundle-Version", "1.0.0");
        a.putValue("Service-Component", "OSGI-INF/hello.xml");
        a.putValue("Require-Capability", "osgi.extender;filter:=\"(&(osgi.extender=osgi.component)(version>=1.3.0))\"");
        String cls = HelloComponent.class.getName().replace('.', '/') + ".class";
        String xml = "<scr:component xmlns:scr=\"http://www.osgi.org/xmlns/scr/v1.3.0\" name=\"hello\" immediate=\"true\">"
                + "<implementation class=\"" + HelloComponent.class.getName() + "\"/>"
                + "<service><provide interface=\"java.util.function.Supplier\"/></service>"
                + "<property name=\"pb.itest\" value=\"deploy\"/></scr:component>";
        try (OutputStream out = Files.newOutputStream(target); JarOutputStream jar = new JarOutputStream(out, mf);
                InputStream classBytes = HelloComponent.class.getClassLoader().getResourceAsStream(cls)) {
            jar.putNextEntry(new JarEntry("OSGI-INF/hello.xml"));
            jar.write(xml.getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
            jar.putNextEntry(new JarEntry(cls));
            jar.write(classBytes.readAllBytes());
            jar.closeEntry();
        }
    }
}
