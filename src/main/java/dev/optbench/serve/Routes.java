package dev.optbench.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.optbench.InputException;
import dev.optbench.study.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every URL of the dashboard. Reads only: any method but GET and HEAD is 405. JSON is written
 * by Jackson, HTML escapes what it shows; bad parameters are 400 with a one-line JSON error,
 * unknown studies 404, a store that cannot be read 503.
 */
final class Routes extends Handler.Abstract {
    private static final Logger LOG = LoggerFactory.getLogger(Routes.class);
    private static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "127.0.0.1", "[::1]");
    private static final Map<String, String> STATIC = Map.of("/static/dashboard.js", "text/javascript; charset=utf-8",
            "/static/dashboard.css", "text/css; charset=utf-8");
    /** Scripts only from this server; the report page has inline styles and data: images, no scripts. */
    private static final String CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline';"
            + " script-src 'self'; object-src 'none'; frame-ancestors 'none'; form-action 'none'";

    private final DashboardData data;
    private final String storeLabel;
    private final boolean loopbackOnly;

    Routes(DashboardData data, String storeLabel, boolean loopbackOnly) {
        this.data = data;
        this.storeLabel = storeLabel;
        this.loopbackOnly = loopbackOnly;
    }

    /** A reply: status, content type and body. */
    private record Reply(int status, String type, byte[] body) {
        static Reply json(int status, JsonNode node) {
            try {
                return new Reply(status, "application/json", DashboardData.JSON.writeValueAsBytes(node));
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        }

        static Reply error(int status, String message) {
            return json(status, DashboardData.JSON.createObjectNode().put("error", message));
        }

        static Reply html(String html) {
            return new Reply(200, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Reply reply = reply(request, response);
        response.setStatus(reply.status());
        var headers = response.getHeaders();
        headers.put(HttpHeader.CONTENT_TYPE, reply.type());
        headers.put(HttpHeader.CACHE_CONTROL, "no-store");
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("Referrer-Policy", "no-referrer");
        headers.put("Content-Security-Policy", CSP);
        headers.put(HttpHeader.CONTENT_LENGTH, reply.body().length);
        response.write(true, ByteBuffer.wrap(reply.body()), callback);
        return true;
    }

    private Reply reply(Request request, Response response) {
        String method = request.getMethod();
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
            return Reply.error(HttpStatus.METHOD_NOT_ALLOWED_405, "the dashboard is read-only: " + method
                    + " is not allowed (use GET)");
        }
        if (loopbackOnly && !loopbackHost(request)) {
            return Reply.error(HttpStatus.FORBIDDEN_403, "this dashboard answers only to localhost or 127.0.0.1"
                    + " (bind another host with --host to serve other names)");
        }
        String path = Request.getPathInContext(request);
        try {
            Fields q = Request.extractQueryParameters(request, StandardCharsets.UTF_8);
            return route(path, q);
        } catch (DashboardData.NotFound e) {
            return Reply.error(HttpStatus.NOT_FOUND_404, e.getMessage());
        } catch (InputException e) {
            return Reply.error(HttpStatus.BAD_REQUEST_400, e.getMessage());
        } catch (StoreException e) {
            LOG.warn("store: {}", e.getMessage());
            return Reply.error(HttpStatus.SERVICE_UNAVAILABLE_503, e.getMessage());
        } catch (IllegalArgumentException e) { // a malformed query string
            return Reply.error(HttpStatus.BAD_REQUEST_400, "malformed query: " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("dashboard request {} failed", path, e);
            return Reply.error(HttpStatus.INTERNAL_SERVER_ERROR_500, "internal error: " + e.getClass().getSimpleName());
        }
    }

    private Reply route(String path, Fields q) {
        switch (path) {
            case "/", "/index.html":
                return Reply.html(DashboardPage.render(data, storeLabel));
            case "/api/studies":
                return Reply.json(200, data.studies());
            case "/api/study":
                return Reply.json(200, data.study(required(q, "name")));
            case "/api/trials":
                return Reply.json(200, data.trials(required(q, "study"), q.getValue("state"), integer(q, "offset", 0),
                        integer(q, "limit", 100)));
            case "/api/curve":
                return Reply.json(200, data.curve(required(q, "study"), required(q, "optimizer"), integer(q, "index", -1)));
            case "/api/live":
                return Reply.json(200, data.live(required(q, "study")));
            case "/api/analysis":
                return Reply.json(200, data.analysis(studies(q)));
            case "/api/figures":
                return Reply.json(200, data.figures(studies(q)));
            case "/figure":
                return figure(q);
            case "/report":
                return Reply.html(data.report(studies(q)).html());
            default:
                if (STATIC.containsKey(path)) {
                    return new Reply(200, STATIC.get(path), resource(path.substring("/static/".length())));
                }
                if (path.equals("/api") || path.startsWith("/api/")) {
                    return Reply.error(HttpStatus.NOT_FOUND_404, "no such API: " + path
                            + " (GET /api/studies, /api/study?name=, /api/trials?study=, /api/curve?study=&optimizer=&index=,"
                            + " /api/live?study=, /api/analysis?study=, /api/figures?study=)");
                }
                return Reply.error(HttpStatus.NOT_FOUND_404, "no page " + path + " (the dashboard is at /)");
        }
    }

    private Reply figure(Fields q) {
        String id = required(q, "id");
        String format = Optional.ofNullable(q.getValue("format")).orElse("png");
        if (!format.equals("png") && !format.equals("svg")) {
            throw new InputException("format must be png or svg, not '" + format + "'");
        }
        byte[] image = data.figure(studies(q), id, format.equals("svg"))
                .orElseThrow(() -> new DashboardData.NotFound("no figure '" + id + "' for these studies (GET /api/figures lists them)"));
        return new Reply(200, format.equals("png") ? "image/png" : "image/svg+xml", image);
    }

    private boolean loopbackHost(Request request) {
        HttpField host = request.getHeaders().getField(HttpHeader.HOST);
        if (host == null) {
            return true; // HTTP/1.0 without Host: not a browser on a rebound name
        }
        String h = host.getValue().trim().toLowerCase(java.util.Locale.ROOT);
        int colon = h.startsWith("[") ? h.indexOf("]:") + 1 : h.lastIndexOf(':');
        String name = colon > 0 ? h.substring(0, colon) : h;
        return LOOPBACK_NAMES.contains(name) || name.startsWith("127.");
    }

    private static List<String> studies(Fields q) {
        List<String> v = q.getValues("study");
        return v == null ? List.of() : v;
    }

    private static String required(Fields q, String name) {
        String v = q.getValue(name);
        if (v == null || v.isEmpty()) {
            throw new InputException("missing query parameter '" + name + "'");
        }
        return v;
    }

    private static int integer(Fields q, String name, int otherwise) {
        String v = q.getValue(name);
        if (v == null) {
            if (otherwise < 0) {
                throw new InputException("missing query parameter '" + name + "'");
            }
            return otherwise;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new InputException(name + " must be a whole number, not '" + v + "'");
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = Routes.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
