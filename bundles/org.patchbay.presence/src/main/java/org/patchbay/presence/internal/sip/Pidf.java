package org.patchbay.presence.internal.sip;

import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;

import org.patchbay.api.identity.Aor;
import org.patchbay.api.presence.PresenceState;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/** PIDF (RFC 3863) with RPID activities (RFC 4480) and the data model person (RFC 4479): read and written. */
public final class Pidf {
    public static final String CONTENT_TYPE = "application";
    public static final String CONTENT_SUBTYPE = "pidf+xml";
    static final String NS_PIDF = "urn:ietf:params:xml:ns:pidf";
    static final String NS_RPID = "urn:ietf:params:xml:ns:pidf:rpid";
    static final String NS_DM = "urn:ietf:params:xml:ns:pidf:data-model";
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,31}");
    private static final int MAX_NOTE = 1024;
    /** RPID activities that mean the user should not be disturbed, and those that mean away. */
    private static final Map<String, String> STATUS = Map.ofEntries(Map.entry("on-the-phone", PresenceState.ON_THE_PHONE),
            Map.entry("busy", PresenceState.BUSY), Map.entry("meeting", PresenceState.BUSY),
            Map.entry("appointment", PresenceState.BUSY), Map.entry("performance", PresenceState.BUSY),
            Map.entry("presentation", PresenceState.BUSY), Map.entry("worship", PresenceState.BUSY),
            Map.entry("away", PresenceState.AWAY), Map.entry("vacation", PresenceState.AWAY),
            Map.entry("holiday", PresenceState.AWAY), Map.entry("travel", PresenceState.AWAY),
            Map.entry("sleeping", PresenceState.AWAY), Map.entry("steering", PresenceState.AWAY),
            Map.entry("lunch", PresenceState.AWAY), Map.entry("permanent-absence", PresenceState.AWAY));

    private Pidf() {
    }

    /**
     * The state a PIDF document publishes for {@code aor}.
     *
     * @throws IllegalArgumentException with a one-line reason when the body is not a PIDF document
     */
    public static PresenceState parse(byte[] body, Aor aor, String source, Instant now, Instant expires) {
        Document doc = read(body);
        Element root = doc.getDocumentElement();
        if (!"presence".equals(root.getLocalName()) || !NS_PIDF.equals(root.getNamespaceURI())) {
            throw new IllegalArgumentException("not a PIDF document: root element is not {" + NS_PIDF + "}presence");
        }
        NodeList basics = doc.getElementsByTagNameNS(NS_PIDF, "basic");
        PresenceState.Basic basic = PresenceState.Basic.OPEN;
        if (basics.getLength() > 0
                && basics.item(0).getTextContent().strip().toLowerCase(Locale.ROOT).equals("closed")) {
            // anything but closed counts as open: baresip 1.0 publishes <basic>unknown</basic> before its user chose
            basic = PresenceState.Basic.CLOSED;
        }
        List<String> activities = new ArrayList<>();
        NodeList acts = doc.getElementsByTagNameNS(NS_RPID, "activities");
        for (int i = 0; i < acts.getLength(); i++) {
            for (Node n = acts.item(i).getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof Element e && NS_RPID.equals(e.getNamespaceURI()) && !"note".equals(e.getLocalName())) {
                    String a = "other".equals(e.getLocalName()) ? e.getTextContent().strip().toLowerCase(Locale.ROOT)
                            : e.getLocalName();
                    if (NAME.matcher(a).matches() && !activities.contains(a) && activities.size() < 8) {
                        activities.add(a);
                    }
                }
            }
        }
        String note = firstNote(doc);
        return new PresenceState(aor, basic, status(basic, activities), activities, note, source, now, expires);
    }

    private static String firstNote(Document doc) {
        for (String ns : new String[] {NS_PIDF, NS_DM, NS_RPID}) {
            NodeList notes = doc.getElementsByTagNameNS(ns, "note");
            if (notes.getLength() > 0) {
                return cut(notes.item(0).getTextContent().strip().replaceAll("\\p{Cntrl}+", " "), MAX_NOTE);
            }
        }
        return "";
    }

    /** One word: the first activity that has a meaning here, else available (open) or unavailable (closed). */
    static String status(PresenceState.Basic basic, List<String> activities) {
        for (String a : activities) {
            String s = STATUS.get(a);
            if (s != null) {
                return s;
            }
        }
        return basic == PresenceState.Basic.OPEN ? PresenceState.AVAILABLE : PresenceState.UNAVAILABLE;
    }

    private static Document read(byte[] body) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setExpandEntityReferences(false);
            f.setXIncludeAware(false);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(null);
            return b.parse(new ByteArrayInputStream(body));
        } catch (Exception e) {
            throw new IllegalArgumentException("PIDF body is not well-formed XML: " + cut(String.valueOf(e.getMessage()), 120));
        }
    }

    /** The PIDF document for {@code state}; the tuple note is the user's note, else the status in words. */
    public static String write(PresenceState state) {
        String entity = "sip:" + state.aor();
        String note = state.note().isEmpty() ? words(state.status()) : state.note();
        StringBuilder sb = new StringBuilder(512);
        sb.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        sb.append("<presence xmlns=\"").append(NS_PIDF).append("\" xmlns:dm=\"").append(NS_DM)
                .append("\" xmlns:rpid=\"").append(NS_RPID).append("\" entity=\"").append(xml(entity)).append("\">\n");
        sb.append(" <tuple id=\"pb-").append(Integer.toHexString(state.aor().hashCode())).append("\">\n");
        sb.append("  <status><basic>").append(state.basic().pidf()).append("</basic></status>\n");
        sb.append("  <contact>").append(xml(entity)).append("</contact>\n");
        sb.append("  <note>").append(xml(note)).append("</note>\n");
        sb.append(" </tuple>\n");
        sb.append(" <dm:person id=\"p-").append(Integer.toHexString(state.aor().hashCode())).append("\">\n");
        if (!state.activities().isEmpty()) {
            sb.append("  <rpid:activities>");
            for (String a : state.activities()) {
                if (NAME.matcher(a).matches()) {
                    sb.append("<rpid:").append(a).append("/>");
                }
            }
            sb.append("</rpid:activities>\n");
        }
        sb.append("  <dm:note>").append(xml(note)).append("</dm:note>\n");
        sb.append(" </dm:person>\n");
        sb.append("</presence>\n");
        return sb.toString();
    }

    static String words(String status) {
        String s = status.replace('-', ' ');
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    public static String xml(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&apos;");
                default -> sb.append(c < 0x20 && c != '\n' && c != '\t' ? ' ' : c);
            }
        }
        return sb.toString();
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
