package org.patchbay.sip.internal.stack;

import javax.sip.header.HeaderFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;

/** Checks on a parsed request before dispatch (the parser already refused what it could not read). */
final class RequestChecks {

    /** Why a request is refused, and the response to send. */
    record Rejection(int code, String reason) {
        Response response(Exchange ex) {
            return ex.createResponse(code);
        }
    }

    private RequestChecks() {
    }

    /** Null when the request may be dispatched. */
    static Rejection check(Request request, HeaderFactory headers) {
        return null;
    }
}
