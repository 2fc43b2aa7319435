package org.patchbay.sip.internal.registrar;

/**
 * One Contact of a REGISTER after the RFC 3261 §10.3 step 6 rules: its URI, the expiry granted (0 removes), q in
 * thousandths (-1 absent), and the RFC 5626 device identity (instance null when absent, regId 0 unless outbound applies).
 */
record RequestedContact(String uri, int expires, int q, String instanceId, int regId) {
}
