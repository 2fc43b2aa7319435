package org.patchbay.http.internal.rest;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.Strictness;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Reads request bodies: {@code application/json} (UTF-8, the only charset JSON allows), at most
 * {@value #MAX_BYTES} bytes, strict JSON, one object. Every problem is an {@link ApiError}.
 */
public final class JsonBodies {

    public static final int MAX_BYTES = 64 * 1024;
    /** A too-large body up to this size is read and dropped before the 413, so that the client gets the answer. */
    static final long DRAIN_BYTES = 1024 * 1024;
    private static final TypeAdapter<JsonElement> ELEMENTS = new Gson().getAdapter(JsonElement.class);

    private JsonBodies() {
    }

    /** The body as a JSON object whose keys are all in {@code allowed}. */
    public static JsonObject readObject(HttpServletRequest req, Set<String> allowed) throws ApiError, IOException {
        checkContentType(req.getContentType());
        String text = decode(readBounded(req));
        JsonElement e = parse(text);
        if (!e.isJsonObject()) {
            throw ApiError.badRequest("malformed_json", "the body must be a JSON object");
        }
        JsonObject o = e.getAsJsonObject();
        for (String key : o.keySet()) {
            if (!allowed.contains(key)) {
                throw ApiError.badRequest("unknown_field", "unknown field '" + JsonResponses.oneLine(key)
                        + "'; allowed: " + String.join(", ", allowed.stream().sorted().toList()));
            }
        }
        return o;
    }

    /** A field that must be present and a string. */
    public static String requiredString(JsonObject o, String field) throws ApiError {
        String s = optionalString(o, field);
        if (s == null) {
            throw ApiError.badRequest("missing_field", "field '" + field + "' is required");
        }
        return s;
    }

    /** A field that may be absent or null, else must be a string. */
    public static String optionalString(JsonObject o, String field) throws ApiError {
        JsonElement e = o.get(field);
        if (e == null || e.isJsonNull()) {
            return null;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw ApiError.badRequest("invalid_field", "field '" + field + "' must be a string");
        }
        return e.getAsString();
    }

    static void checkContentType(String contentType) throws ApiError {
        if (contentType == null || contentType.isBlank()) {
            throw unsupported("missing Content-Type");
        }
        String[] parts = contentType.split(";");
        if (!parts[0].strip().equalsIgnoreCase("application/json")) {
            throw unsupported("Content-Type " + parts[0].strip() + " is not supported");
        }
        for (int i = 1; i < parts.length; i++) {
            String[] kv = parts[i].split("=", 2);
            if (kv.length == 2 && kv[0].strip().equalsIgnoreCase("charset")) {
                String charset = kv[1].strip().replace("\"", "").toLowerCase(Locale.ROOT);
                if (!charset.equals("utf-8") && !charset.equals("utf8")) {
                    throw unsupported("charset " + charset + " is not supported");
                }
            }
        }
    }

    private static ApiError unsupported(String what) {
        return new ApiError(415, "unsupported_media_type", what + "; send Content-Type: " + JsonResponses.CONTENT_TYPE);
    }

    private static byte[] readBounded(HttpServletRequest req) throws ApiError, IOException {
        long declared = req.getContentLengthLong();
        try (InputStream in = req.getInputStream()) {
            if (declared > MAX_BYTES) {
                drain(in, declared);
                throw tooLarge();
            }
            byte[] body = in.readNBytes(MAX_BYTES + 1);
            if (body.length > MAX_BYTES) {
                drain(in, DRAIN_BYTES);
                throw tooLarge();
            }
            return body;
        }
    }

    /**
     * Reads and drops the rest of a body that is too large, up to {@link #DRAIN_BYTES}: a client still sending when
     * the 413 goes out and the connection closes may get a reset instead of the answer (seen with a 70 KB body on
     * loopback). A larger body is not read: the connection closes and such a client gets no answer.
     */
    private static void drain(InputStream in, long declared) throws IOException {
        if (declared <= DRAIN_BYTES) {
            long left = DRAIN_BYTES;
            byte[] skip = new byte[8192];
            for (int n; left > 0 && (n = in.read(skip, 0, (int) Math.min(skip.length, left))) > 0;) {
                left -= n;
            }
        }
    }

    private static ApiError tooLarge() {
        return new ApiError(413, "payload_too_large", "the body exceeds " + MAX_BYTES + " bytes");
    }

    private static String decode(byte[] body) throws ApiError {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw ApiError.badRequest("malformed_json", "the body is not valid UTF-8");
        }
    }

    private static JsonElement parse(String text) throws ApiError {
        if (text.isBlank()) {
            throw ApiError.badRequest("malformed_json", "the body is empty; expected a JSON object");
        }
        try (JsonReader reader = new JsonReader(new StringReader(text))) {
            reader.setStrictness(Strictness.STRICT);
            JsonElement e = ELEMENTS.read(reader);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw ApiError.badRequest("malformed_json", "unexpected data after the JSON value");
            }
            return e;
        } catch (IOException | JsonParseException | IllegalStateException | NumberFormatException e) {
            throw ApiError.badRequest("malformed_json", "malformed JSON: " + firstLine(e.getMessage()));
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unexpected end of input";
        }
        // Gson appends a line with a troubleshooting URL; it does not help an API client
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
