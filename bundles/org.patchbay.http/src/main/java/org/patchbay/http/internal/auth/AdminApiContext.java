package org.patchbay.http.internal.auth;

import java.io.IOException;
import java.nio.file.Path;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.servlet.context.ServletContextHelper;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardContext;
import org.patchbay.api.http.HttpContexts;
import org.patchbay.http.internal.NodeDirectories;
import org.patchbay.http.internal.rest.ApiError;
import org.patchbay.http.internal.rest.JsonResponses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servlet context of the admin API ({@value HttpContexts#ADMIN_API_PATH}): every request needs
 * {@code Authorization: Bearer <token>} with the token of {@code data/admin.token}. A client that
 * fails {@value #LIMIT} times within a minute gets 429 for the rest of that minute. Failures are logged
 * once per burst, with the client address and never the presented token.
 */
// immediate: the token file exists as soon as the bundle runs, not only once Jetty asks for the context
@Component(service = ServletContextHelper.class, immediate = true)
@HttpWhiteboardContext(name = HttpContexts.ADMIN_API, path = HttpContexts.ADMIN_API_PATH)
public final class AdminApiContext extends ServletContextHelper {

    static final int LIMIT = 10;
    private static final Logger LOG = LoggerFactory.getLogger(AdminApiContext.class);

    private final BearerCheck bearer;
    private final FailureThrottle throttle;

    @Activate
    public AdminApiContext(BundleContext context) throws IOException {
        this(AdminToken.loadOrCreate(NodeDirectories.data(context)), FailureThrottle.standard());
        Path file = NodeDirectories.data(context).resolve(AdminToken.FILE);
        LOG.info("Admin API at {} accepts the bearer token in {}", HttpContexts.ADMIN_API_PATH, file);
    }

    AdminApiContext(String token, FailureThrottle throttle) {
        this.bearer = new BearerCheck(token);
        this.throttle = throttle;
    }

    @Override
    public boolean handleSecurity(HttpServletRequest req, HttpServletResponse res) throws IOException {
        // error pages run after the request itself passed this check; counting them again would be wrong
        if (req.getDispatcherType() == DispatcherType.ERROR) {
            return true;
        }
        String client = req.getRemoteAddr();
        long blocked = throttle.blockedFor(client);
        if (blocked > 0) {
            res.setHeader("Retry-After", Long.toString(seconds(blocked)));
            JsonResponses.error(res, new ApiError(429, "too_many_requests",
                    "too many failed authentications from your address; retry in " + seconds(blocked) + " s"));
            return false;
        }
        BearerCheck.Outcome outcome = bearer.check(req.getHeader("Authorization"));
        if (outcome == BearerCheck.Outcome.OK) {
            throttle.succeed(client);
            return true;
        }
        FailureThrottle.Failure f = throttle.fail(client);
        if (f.firstInWindow()) {
            LOG.warn("Admin API refused {} {} from {}: {}", req.getMethod(), req.getRequestURI(), client, outcome.detail());
        }
        if (f.nowBlocked()) {
            LOG.warn("Admin API blocks {} for {} s after {} failed authentications", client,
                    seconds(f.retryAfterMillis()), LIMIT);
        }
        res.setHeader("WWW-Authenticate", outcome == BearerCheck.Outcome.WRONG_TOKEN
                ? "Bearer realm=\"patchbay\", error=\"invalid_token\"" : "Bearer realm=\"patchbay\"");
        JsonResponses.error(res, new ApiError(401, "unauthorized", outcome.detail()));
        return false;
    }

    private static long seconds(long millis) {
        return Math.max(1, (millis + 999) / 1000);
    }
}
