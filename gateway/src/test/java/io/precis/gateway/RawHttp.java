package io.precis.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * HTTP/1.1 over a plain socket, for what {@code java.net.http} refuses to send (malformed
 * percent-escapes, oversize heads) and for clients that stall. Each exchange asks the server to
 * close the connection, so the answer is everything read until the end of the stream.
 */
public final class RawHttp {
    private RawHttp() {}

    /** An answer as read off the wire: status, the head as text, and the body. */
    public record Answer(int status, String head, String body) {
        public JsonNode json() {
            try {
                return TestGateway.JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }
    }

    /**
     * Sends {@code method target} with {@code headers} (each "Name: value") and {@code body}, and
     * returns the answer, or null when none came within {@code timeout}.
     */
    public static Answer exchange(int port, String method, String target, String body, Duration timeout,
                                  String... headers) {
        StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1\r\nConnection: close\r\n");
        for (String h : headers) {
            head.append(h).append("\r\n");
        }
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (body != null) {
            head.append("Content-Length: ").append(bytes.length).append("\r\n");
        }
        head.append("\r\n");
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout((int) timeout.toMillis());
            OutputStream out = s.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(bytes);
            out.flush();
            return parse(readAll(s.getInputStream()));
        } catch (SocketTimeoutException e) {
            return null;
        } catch (IOException e) {
            throw new AssertionError("exchange failed: " + e.getClass().getSimpleName(), e);
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        for (int n; (n = in.read(buf)) >= 0; ) {
            all.write(buf, 0, n);
        }
        return all.toByteArray();
    }

    private static Answer parse(byte[] raw) {
        String text = new String(raw, StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        if (!text.startsWith("HTTP/1.") || end < 0) {
            throw new AssertionError("not an HTTP answer: " + text);
        }
        String head = text.substring(0, end);
        return new Answer(Integer.parseInt(head.substring(9, 12)), head, text.substring(end + 4));
    }
}
