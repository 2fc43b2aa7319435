package org.patchbay.http.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Minimal servlet request and response for unit tests, backed by dynamic proxies: each answers the
 * methods the code under test uses and fails loudly on any other, so a test never passes by accident
 * on a default value.
 */
public final class FakeHttp {

    private FakeHttp() {
    }

    /** A request under construction. */
    public static final class Req {
        public String method = "GET";
        public String contextPath = "/api/v1";
        public String servletPath = "";
        public String pathInfo;
        public String remoteAddr = "127.0.0.1";
        public DispatcherType dispatcherType = DispatcherType.REQUEST;
        public byte[] body = new byte[0];
        public Long contentLength;
        public final Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        public final Map<String, String> params = new HashMap<>();
        public final Map<String, Object> attributes = new HashMap<>();

        public Req(String method, String servletPath, String pathInfo) {
            this.method = method;
            this.servletPath = servletPath;
            this.pathInfo = pathInfo;
        }

        public Req header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        public Req json(String text) {
            headers.put("Content-Type", "application/json; charset=utf-8");
            body = text.getBytes(StandardCharsets.UTF_8);
            return this;
        }

        public String requestUri() {
            return contextPath + servletPath + (pathInfo == null ? "" : pathInfo);
        }

        public HttpServletRequest build() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            ServletInputStream sin = new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener l) {
                    throw new UnsupportedOperationException();
                }
            };
            return (HttpServletRequest) Proxy.newProxyInstance(FakeHttp.class.getClassLoader(),
                    new Class<?>[] {HttpServletRequest.class}, (p, m, a) -> switch (m.getName()) {
                        case "getMethod" -> method;
                        case "getContextPath" -> contextPath;
                        case "getServletPath" -> servletPath;
                        case "getPathInfo" -> pathInfo;
                        case "getRequestURI" -> requestUri();
                        case "getRemoteAddr" -> remoteAddr;
                        case "getDispatcherType" -> dispatcherType;
                        case "getHeader" -> headers.get((String) a[0]);
                        case "getContentType" -> headers.get("Content-Type");
                        case "getContentLengthLong" -> contentLength != null ? contentLength : (long) body.length;
                        case "getContentLength" -> contentLength != null ? contentLength.intValue() : body.length;
                        case "getInputStream" -> sin;
                        case "getParameter" -> params.get((String) a[0]);
                        case "getAttribute" -> attributes.get((String) a[0]);
                        case "setAttribute" -> attributes.put((String) a[0], a[1]);
                        case "toString" -> method + " " + requestUri();
                        default -> throw new UnsupportedOperationException("request." + m.getName());
                    });
        }
    }

    /** A recorded response. */
    public static final class Res {
        public int status = 200;
        public final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        public String contentType;
        public final ByteArrayOutputStream body = new ByteArrayOutputStream();
        public boolean committed;

        public String header(String name) {
            List<String> v = headers.get(name);
            return v == null ? null : v.get(0);
        }

        public String text() {
            return body.toString(StandardCharsets.UTF_8);
        }

        public JsonObject json() {
            return JsonParser.parseString(text()).getAsJsonObject();
        }

        public HttpServletResponse build() {
            ServletOutputStream sout = new ServletOutputStream() {
                @Override
                public void write(int b) {
                    body.write(b);
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setWriteListener(WriteListener l) {
                    throw new UnsupportedOperationException();
                }
            };
            return (HttpServletResponse) Proxy.newProxyInstance(FakeHttp.class.getClassLoader(),
                    new Class<?>[] {HttpServletResponse.class}, (p, m, a) -> switch (m.getName()) {
                        case "setStatus" -> {
                            status = (Integer) a[0];
                            yield null;
                        }
                        case "getStatus" -> status;
                        case "setHeader" -> headers.put((String) a[0], new ArrayList<>(List.of((String) a[1])));
                        case "addHeader" -> headers.computeIfAbsent((String) a[0], k -> new ArrayList<>()).add((String) a[1]);
                        case "getHeader" -> header((String) a[0]);
                        case "setContentType" -> {
                            contentType = (String) a[0];
                            yield null;
                        }
                        case "getContentType" -> contentType;
                        case "setContentLength", "setContentLengthLong", "setCharacterEncoding", "flushBuffer" -> null;
                        case "getOutputStream" -> sout;
                        case "getWriter" -> new PrintWriter(new OutputStreamWriter(sout, StandardCharsets.UTF_8), true);
                        case "isCommitted" -> committed;
                        case "resetBuffer" -> {
                            body.reset();
                            yield null;
                        }
                        case "toString" -> "response " + status;
                        default -> throw new UnsupportedOperationException("response." + m.getName()
                                .toLowerCase(Locale.ROOT));
                    });
        }
    }
}
