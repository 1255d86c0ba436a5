package io.zchat.shared.http;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.actuate.endpoint.web.ExposableWebEndpoint;
import org.springframework.boot.actuate.endpoint.web.WebEndpointHttpMethod;
import org.springframework.boot.actuate.endpoint.web.WebOperation;

/**
 * Finds the Actuator operation a request path names, as Spring MVC's endpoint mapping does: each
 * operation's path template ({@code loggers/{name}}, {@code health/{*path}}) is matched segment by
 * segment, literal segments first, a trailing {@code {*name}} taking the remaining segments.
 */
final class EndpointRoutes {
    private final List<Route> routes;

    EndpointRoutes(Collection<ExposableWebEndpoint> endpoints) {
        List<Route> all = new ArrayList<>();
        for (ExposableWebEndpoint endpoint : endpoints) {
            for (WebOperation operation : endpoint.getOperations()) {
                all.add(new Route(operation, segments(operation.getRequestPredicate().getPath())));
            }
        }
        // more literal segments and no catch-all first, so that "health" wins over "health/{*path}"
        all.sort(Comparator.comparing(Route::catchAll).thenComparing(r -> -r.literals()));
        this.routes = List.copyOf(all);
    }

    /** The operation for {@code method} at {@code path} (relative to the base path), with its path arguments. */
    Optional<Match> find(WebEndpointHttpMethod method, String path) {
        List<String> request = segments(path);
        for (Route route : routes) {
            if (route.operation.getRequestPredicate().getHttpMethod() == method) {
                Map<String, Object> arguments = route.match(request);
                if (arguments != null) {
                    return Optional.of(new Match(route.operation, arguments));
                }
            }
        }
        return Optional.empty();
    }

    /** Whether some operation answers at {@code path} with another method (405 rather than 404). */
    boolean anyMethodAt(String path) {
        List<String> request = segments(path);
        return routes.stream().anyMatch(route -> route.match(request) != null);
    }

    private static List<String> segments(String path) {
        List<String> segments = new ArrayList<>();
        for (String segment : path.split("/")) {
            if (!segment.isEmpty()) {
                segments.add(segment);
            }
        }
        return segments;
    }

    record Match(WebOperation operation, Map<String, Object> arguments) {
    }

    private record Route(WebOperation operation, List<String> template) {
        boolean catchAll() {
            return !template.isEmpty() && template.get(template.size() - 1).startsWith("{*");
        }

        long literals() {
            return template.stream().filter(s -> !s.startsWith("{")).count();
        }

        /** The path arguments when {@code request} fits this template, else null. */
        Map<String, Object> match(List<String> request) {
            Map<String, Object> arguments = new LinkedHashMap<>();
            for (int i = 0; i < template.size(); i++) {
                String part = template.get(i);
                if (part.startsWith("{*")) {
                    if (request.size() <= i) {
                        return null;
                    }
                    arguments.put(name(part, 2), request.subList(i, request.size()).toArray(String[]::new));
                    return arguments;
                }
                if (i >= request.size()) {
                    return null;
                }
                if (part.startsWith("{")) {
                    arguments.put(name(part, 1), request.get(i));
                } else if (!part.equals(request.get(i))) {
                    return null;
                }
            }
            return request.size() == template.size() ? arguments : null;
        }

        private static String name(String part, int from) {
            return part.substring(from, part.length() - 1);
        }
    }
}
