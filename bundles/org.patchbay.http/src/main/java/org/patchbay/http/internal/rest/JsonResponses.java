package org.patchbay.http.internal.rest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import jakarta.servlet.http.HttpServletResponse;

/** Writes JSON answers. Every error body is {@code {"error": "<code>", "detail": "<one line>"}}. */
public final class JsonResponses {

    public static final String CONTENT_TYPE = "application/json; charset=utf-8";
    private static final int MAX_DETAIL = 300;
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

    private JsonResponses() {
    }

    public static void write(HttpServletResponse res, int status, JsonElement body) throws IOException {
        byte[] bytes = GSON.toJson(body).getBytes(StandardCharsets.UTF_8);
        res.setStatus(status);
        res.setContentType(CONTENT_TYPE);
        res.setHeader("Cache-Control", "no-store");
        res.setContentLength(bytes.length);
        res.getOutputStream().write(bytes);
    }

    public static void error(HttpServletResponse res, ApiError e) throws IOException {
        error(res, e.status(), e.code(), e.detail());
    }

    public static void error(HttpServletResponse res, int status, String code, String detail) throws IOException {
        if (res.isCommitted()) {
            return;
        }
        res.resetBuffer();
        write(res, status, errorBody(code, detail));
    }

    static JsonObject errorBody(String code, String detail) {
        JsonObject o = new JsonObject();
        o.addProperty("error", code);
        o.addProperty("detail", oneLine(detail));
        return o;
    }

    /** Control characters (line breaks included) become spaces; long texts are cut. */
    static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        String line = s.replaceAll("\\p{Cntrl}+", " ").strip();
        return line.length() > MAX_DETAIL ? line.substring(0, MAX_DETAIL) + "…" : line;
    }
}
