package io.zchat.shared.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.InvocationContext;
import org.springframework.boot.actuate.endpoint.OperationArgumentResolver;
import org.springframework.boot.actuate.endpoint.ProducibleOperationArgumentResolver;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.EndpointLinksResolver;
import org.springframework.boot.actuate.endpoint.web.WebEndpointHttpMethod;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.WebOperation;
import org.springframework.boot.actuate.endpoint.web.WebServerNamespace;
import org.springframework.core.io.Resource;
import org.springframework.util.MimeType;
import tools.jackson.databind.json.JsonMapper;

/**
 * Answers HTTP requests under the Actuator base path by invoking the endpoint operation they name,
 * as Spring MVC's endpoint handler mapping would: the same arguments (path, query, JSON body, the
 * Accept header for content negotiation), the same status codes and the same JSON.
 */
final class EndpointHttpHandler implements HttpHandler {
    static final String ACTUATOR_JSON = "application/vnd.spring-boot.actuator.v3+json";
    private static final Logger LOG = LoggerFactory.getLogger(EndpointHttpHandler.class);

    private final String basePath;
    private final EndpointRoutes routes;
    private final EndpointLinksResolver links;
    private final JsonMapper json;

    EndpointHttpHandler(String basePath, EndpointRoutes routes, EndpointLinksResolver links, JsonMapper json) {
        this.basePath = basePath;
        this.routes = routes;
        this.links = links;
        this.json = json;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath().substring(basePath.length());
            Optional<WebEndpointHttpMethod> method = method(exchange.getRequestMethod());
            if (path.isEmpty() || path.equals("/")) {
                if (method.orElse(null) == WebEndpointHttpMethod.GET) {
                    String self = "http://" + exchange.getRequestHeaders().getFirst("Host") + basePath;
                    writeJson(exchange, 200, Map.of("_links", links.resolveLinks(self)), null);
                } else {
                    error(exchange, 405, "Method Not Allowed");
                }
                return;
            }
            Optional<EndpointRoutes.Match> match = method.flatMap(m -> routes.find(m, path));
            if (match.isEmpty()) {
                if (routes.anyMethodAt(path)) {
                    error(exchange, 405, "Method Not Allowed");
                } else {
                    error(exchange, 404, "Not Found");
                }
                return;
            }
            invoke(exchange, method.get(), match.get());
        } catch (RuntimeException e) {
            LOG.warn("actuator request {} failed", exchange.getRequestURI(), e);
            try {
                error(exchange, 500, "Internal Server Error");
            } catch (IOException | RuntimeException alreadyAnswering) {
                // the response had begun: the client sees the connection close instead
            }
        }
    }

    private void invoke(HttpExchange exchange, WebEndpointHttpMethod method, EndpointRoutes.Match match)
            throws IOException {
        Object result;
        try {
            Map<String, Object> arguments = new LinkedHashMap<>(match.arguments());
            arguments.putAll(query(exchange.getRequestURI().getRawQuery()));
            arguments.putAll(body(exchange));
            List<String> accept = exchange.getRequestHeaders().getOrDefault("Accept", List.of());
            result = match.operation().invoke(new InvocationContext(SecurityContext.NONE, arguments,
                    new ProducibleOperationArgumentResolver(() -> accept),
                    OperationArgumentResolver.of(WebServerNamespace.class, () -> WebServerNamespace.SERVER)));
        } catch (InvalidEndpointRequestException e) {
            error(exchange, 400, e.getReason());
            return;
        }
        int status = 200;
        MimeType type = null;
        Object body = result;
        if (result instanceof WebEndpointResponse<?> response) {
            status = response.getStatus();
            type = response.getContentType();
            body = response.getBody();
        } else if (result == null) {
            status = method == WebEndpointHttpMethod.GET ? 404 : 204;
        }
        write(exchange, status, body, type, match.operation());
    }

    private void write(HttpExchange exchange, int status, Object body, MimeType type, WebOperation operation)
            throws IOException {
        if (body == null) {
            if (status == 404) {
                error(exchange, 404, "Not Found");
            } else {
                exchange.sendResponseHeaders(status, -1);
            }
            return;
        }
        if (body instanceof Resource resource) {
            exchange.getResponseHeaders().set("Content-Type", typeOr(type, "application/octet-stream"));
            exchange.sendResponseHeaders(status, 0);
            try (InputStream in = resource.getInputStream(); OutputStream out = exchange.getResponseBody()) {
                in.transferTo(out);
            }
        } else if (body instanceof CharSequence text) {
            String produced = operation.getRequestPredicate().getProduces().stream().findFirst().orElse("text/plain");
            send(exchange, status, typeOr(type, produced), text.toString().getBytes(StandardCharsets.UTF_8));
        } else if (body instanceof byte[] bytes) {
            send(exchange, status, typeOr(type, "application/octet-stream"), bytes);
        } else {
            writeJson(exchange, status, body, type);
        }
    }

    private void writeJson(HttpExchange exchange, int status, Object body, MimeType type) throws IOException {
        send(exchange, status, typeOr(type, ACTUATOR_JSON), json.writeValueAsBytes(body));
    }

    /** The content type the operation chose, else the one its kind of body is sent with. */
    private static String typeOr(MimeType chosen, String otherwise) {
        return chosen != null ? chosen.toString() : otherwise;
    }

    private void error(HttpExchange exchange, int status, String message) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status);
        body.put("error", message);
        body.put("path", exchange.getRequestURI().getPath());
        send(exchange, status, "application/json", json.writeValueAsBytes(body));
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] bytes) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private static Optional<WebEndpointHttpMethod> method(String name) {
        return switch (name) {
            case "GET", "HEAD" -> Optional.of(WebEndpointHttpMethod.GET);
            case "POST" -> Optional.of(WebEndpointHttpMethod.POST);
            case "DELETE" -> Optional.of(WebEndpointHttpMethod.DELETE);
            default -> Optional.empty();
        };
    }

    /** Query parameters: one value as a string, several as a list (as Spring MVC hands them over). */
    private static Map<String, Object> query(String raw) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                values.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
            }
        }
        Map<String, Object> arguments = new LinkedHashMap<>();
        values.forEach((name, list) -> arguments.put(name, list.size() == 1 ? list.get(0) : list));
        return arguments;
    }

    /** The fields of a JSON object body (a POST to loggers/{name}, say); none without a body. */
    private Map<String, Object> body(HttpExchange exchange) throws IOException {
        byte[] bytes = exchange.getRequestBody().readAllBytes();
        if (bytes.length == 0) {
            return Map.of();
        }
        try {
            Map<?, ?> fields = json.readValue(bytes, Map.class);
            Map<String, Object> arguments = new LinkedHashMap<>();
            fields.forEach((name, value) -> arguments.put(String.valueOf(name), value));
            return arguments;
        } catch (RuntimeException e) {
            throw new InvalidEndpointRequestException("Invalid JSON body: " + e.getMessage(), "Invalid JSON body");
        }
    }
}
