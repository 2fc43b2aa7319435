package org.patchbay.exotel.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exotel's call API under the configured path (default {@code /v1}), HTTP basic auth with an account's API key and
 * token:
 *
 * <pre>
 * POST {path}/Accounts/{sid}/Calls/connect[.json]   From, To, CallerId, [TimeLimit], [TimeOut], [StatusCallback] …
 * GET  {path}/Accounts/{sid}/Calls/{CallSid}[.json]
 * </pre>
 *
 * Responses are XML ({@code TwilioResponse}) unless the path ends in {@code .json}; errors are {@code RestException}.
 */
final class ApiServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ApiServlet.class);
    private static final Pattern PATH = Pattern.compile("/Accounts/([^/]{1,64})/Calls/([^/]{1,80}?)(\\.json)?");
    private static final int MAX_BODY = 65_536;

    private final transient Exotel exotel;

    ApiServlet(Exotel exotel) {
        this.exotel = exotel;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getPathInfo() == null ? "" : req.getPathInfo();
        boolean json = path.endsWith(".json");
        try {
            Matcher m = PATH.matcher(path);
            if (!m.matches()) {
                throw new ApiError(404, "The requested resource was not found");
            }
            String method = req.getMethod();
            boolean connect = m.group(2).equals("connect");
            if (connect && !"POST".equals(method) || !connect && !"GET".equals(method)) {
                resp.setHeader("Allow", connect ? "POST" : "GET");
                throw new ApiError(405, "Method " + Exotel.printable(method) + " not allowed on this resource");
            }
            Account account = exotel.authenticate(m.group(1), req.getHeader("Authorization"), req.getRemoteAddr());
            String apiPath = exotel.settings().apiPath();
            if (connect) {
                CallResource c = exotel.connect(account, form(req));
                send(resp, 200, json ? Render.json(c, apiPath) : Render.xml(c, apiPath), json);
            } else {
                Optional<CallResource> c = exotel.call(account.sid(), m.group(2));
                if (c.isEmpty()) {
                    throw new ApiError(404, "The requested resource was not found");
                }
                send(resp, 200, json ? Render.json(c.get(), apiPath) : Render.xml(c.get(), apiPath), json);
            }
        } catch (ApiError e) {
            resp.setHeader("Connection", "close"); // the request body may be unread: no reuse of this connection
            if (e.status == 401) {
                resp.setHeader("WWW-Authenticate", "Basic realm=\"Exotel\"");
            }
            if (e.status == 400) {
                LOG.info("exotel: {} {} refused: {}", req.getMethod(), Exotel.printable(path), e.getMessage());
            }
            send(resp, e.status, Render.error(e.status, e.getMessage(), json), json);
        } catch (RuntimeException e) {
            LOG.error("exotel: {} {} failed: {}", req.getMethod(), Exotel.printable(path), e.toString());
            send(resp, 503, Render.error(503, "Service unavailable", json), json);
        }
    }

    /** The form fields (application/x-www-form-urlencoded body, or the query); the first value of each. */
    private static Map<String, String> form(HttpServletRequest req) throws ApiError {
        if (req.getContentLengthLong() > MAX_BODY) {
            throw new ApiError(413, "Request body too large");
        }
        String type = req.getContentType();
        if (type != null && !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            throw new ApiError(415, "Send the parameters form-encoded (application/x-www-form-urlencoded)");
        }
        Map<String, String> p = new HashMap<>();
        try {
            for (Map.Entry<String, String[]> e : req.getParameterMap().entrySet()) {
                if (e.getValue().length > 0) {
                    p.put(e.getKey(), e.getValue()[0]);
                }
            }
        } catch (RuntimeException e) {
            throw new ApiError(400, "Malformed form parameters");
        }
        return p;
    }

    private static void send(HttpServletResponse resp, int status, String body, boolean json) throws IOException {
        resp.setStatus(status);
        resp.setContentType((json ? "application/json" : "application/xml") + ";charset=utf-8");
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        resp.setContentLength(b.length);
        resp.getOutputStream().write(b);
    }
}
