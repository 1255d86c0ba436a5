package io.zchat.shared.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.lang.Nullable;

/** Actuator over the JDK's HTTP server, as a client sees it: paths, arguments, status codes, JSON. */
class ActuatorHttpServerTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final AtomicReference<Health> PROBE = new AtomicReference<>(Health.up().build());
    private static ConfigurableApplicationContext context;
    private static String base;

    @BeforeAll
    static void start() {
        context = new SpringApplicationBuilder(TestApp.class).web(WebApplicationType.NONE)
                .run("--server.port=0", "--spring.main.banner-mode=off", "--chat.node-name=http-test",
                        "--management.endpoints.web.exposure.include=health,echo",
                        "--management.endpoint.health.show-details=always",
                        "--management.endpoint.health.group.checks.include=probe",
                        "--chat.actuator-http.request-timeout=1s");
        base = "http://localhost:" + context.getBean(ActuatorHttpServer.class).port() + "/actuator";
    }

    @AfterAll
    static void stop() {
        context.close();
    }

    @Test
    void healthIsJsonWithItsComponentsAndGroups() throws Exception {
        HttpResponse<String> health = get("/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.headers().firstValue("Content-Type")).hasValue(EndpointHttpHandler.ACTUATOR_JSON);
        assertThat(health.body()).contains("\"status\":\"UP\"").contains("\"probe\":{").contains("\"groups\":[\"checks\",");
        assertThat(get("/health/checks").body()).contains("\"probe\":{\"status\":\"UP\"}");
    }

    @Test
    void aDownComponentAnswers503() throws Exception {
        PROBE.set(Health.down().withDetail("why", "test").build());
        try {
            HttpResponse<String> group = get("/health/checks");
            assertThat(group.statusCode()).isEqualTo(503);
            assertThat(group.body()).contains("\"status\":\"DOWN\"").contains("\"why\":\"test\"");
        } finally {
            PROBE.set(Health.up().build());
        }
    }

    @Test
    void pathAndQueryArgumentsReachTheOperation() throws Exception {
        HttpResponse<String> echo = get("/echo/a%20b?suffix=!");
        assertThat(echo.statusCode()).isEqualTo(200);
        assertThat(echo.body()).isEqualTo("{\"said\":\"a b!\"}");
        assertThat(get("/echo/plain").body()).isEqualTo("{\"said\":\"plain\"}");
    }

    @Test
    void aJsonBodyReachesAWriteOperation() throws Exception {
        HttpResponse<String> written = send(HttpRequest.newBuilder(URI.create(base + "/echo/x"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"value\":\"42\"}")));
        assertThat(written.statusCode()).isEqualTo(204);
        assertThat(get("/echo/x").body()).isEqualTo("{\"said\":\"x=42\"}");
    }

    @Test
    void badRequestsAreAnsweredWithTheirStatus() throws Exception {
        assertThat(get("/nothing-here").statusCode()).isEqualTo(404);
        assertThat(get("/echo/missing").statusCode()).isEqualTo(404);
        assertThat(send(HttpRequest.newBuilder(URI.create(base + "/health")).DELETE()).statusCode()).isEqualTo(405);
        HttpResponse<String> missing = send(HttpRequest.newBuilder(URI.create(base + "/echo/y"))
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(missing.statusCode()).isEqualTo(400);
        HttpResponse<String> broken = send(HttpRequest.newBuilder(URI.create(base + "/echo/y"))
                .POST(HttpRequest.BodyPublishers.ofString("{not json")));
        assertThat(broken.statusCode()).isEqualTo(400);
    }

    @Test
    void clientsThatNeverFinishTheirRequestDoNotHoldUpOthers() throws Exception {
        int port = context.getBean(ActuatorHttpServer.class).port();
        List<Socket> stuck = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) {
                Socket socket = new Socket("localhost", port);
                socket.getOutputStream().write("GET /actuator/health HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                stuck.add(socket);
            }
            assertThat(get("/health").statusCode()).isEqualTo(200);
        } finally {
            for (Socket socket : stuck) {
                socket.close();
            }
        }
    }

    @Test
    void aRequestNeverFinishedHasItsConnectionClosed() throws Exception {
        try (Socket socket = new Socket("localhost", context.getBean(ActuatorHttpServer.class).port())) {
            socket.getOutputStream().write("GET /actuator/health HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.setSoTimeout(10_000);
            assertThat(socket.getInputStream().read()).as("end of stream: closed by the server").isEqualTo(-1);
        }
    }

    @Test
    void theBasePathListsOnlyExposedEndpoints() throws Exception {
        HttpResponse<String> links = get("");
        assertThat(links.statusCode()).isEqualTo(200);
        assertThat(links.body()).contains("\"health\":{\"href\":\"" + base + "/health\"")
                .contains("\"echo-name\":{").doesNotContain("\"info\"");
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class TestApp {
        @Bean
        HealthIndicator probe() {
            return PROBE::get;
        }

        @Bean
        EchoEndpoint echoEndpoint() {
            return new EchoEndpoint();
        }
    }

    @Endpoint(id = "echo")
    static class EchoEndpoint {
        private final java.util.Map<String, String> values = new java.util.concurrent.ConcurrentHashMap<>();

        @ReadOperation
        Said echo(@Selector String name, @Nullable String suffix) {
            if (name.equals("missing")) {
                return null;
            }
            String value = values.get(name);
            return new Said(name + (value == null ? "" : "=" + value) + (suffix == null ? "" : suffix));
        }

        @WriteOperation
        void store(@Selector String name, String value) {
            values.put(name, value);
        }
    }

    record Said(String said) {
    }
}
