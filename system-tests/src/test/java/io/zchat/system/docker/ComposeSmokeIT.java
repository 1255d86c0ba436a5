package io.zchat.system.docker;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * deploy/compose.yml as a user runs it (the project's own services; Prometheus and Grafana images
 * cannot be pulled here): every healthcheck passes, bots write, and after {@code down} and
 * {@code up} every server replica has its name, rank and data again.
 */
@Timeout(value = 12, unit = TimeUnit.MINUTES)
class ComposeSmokeIT {
    private static final String PROJECT = "zchat-smoke";
    private static final String[] COMPOSE = {"docker", "compose", "-f", "deploy/compose.yml", "-p", PROJECT};

    @BeforeAll
    static void clean() throws Exception {
        compose(120, "down", "-v", "--remove-orphans");
    }

    @AfterAll
    static void wipe() throws Exception {
        compose(120, "down", "-v", "--remove-orphans");
    }

    @Test
    void upDownUpKeepsEveryServersNameRankAndData() throws Exception {
        compose(900, "up", "-d", "--build", "ref", "broker", "proxy", "server", "bot");
        List<String> containers = awaitAllHealthy(8);
        List<String> servers = containers.stream().filter(c -> c.matches(".*[-_]server[-_][0-9]+$")).toList();
        assertThat(servers).hasSize(3);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> servers.stream().allMatch(s -> lastSeq(s) >= 20));
        Map<String, String> ranks = new HashMap<>();
        Map<String, Long> entries = new HashMap<>();
        for (String server : servers) {
            JsonNode chat = Docker.serverHealth(server);
            ranks.put(chat.path("node").asText(), chat.path("rank").asText());
            entries.put(chat.path("node").asText(), chat.path("commitSeq").asLong());
        }
        System.out.println("before down: ranks " + ranks + ", committed entries " + entries);
        assertThat(ranks).containsOnlyKeys("server-1", "server-2", "server-3");

        compose(300, "down");
        compose(600, "up", "-d", "ref", "broker", "proxy", "server");
        List<String> again = awaitAllHealthy(6).stream().filter(c -> c.matches(".*[-_]server[-_][0-9]+$")).toList();
        Map<String, String> ranksAfter = new HashMap<>();
        Map<String, Long> entriesAfter = new HashMap<>();
        for (String server : again) {
            JsonNode chat = Docker.serverHealth(server);
            ranksAfter.put(chat.path("node").asText(), chat.path("rank").asText());
            entriesAfter.put(chat.path("node").asText(), chat.path("lastSeq").asLong());
        }
        System.out.println("after down/up: ranks " + ranksAfter + ", log entries " + entriesAfter);
        assertThat(ranksAfter).isEqualTo(ranks);
        entries.forEach((name, count) -> assertThat(entriesAfter.get(name)).as(name).isGreaterThanOrEqualTo(count));
    }

    private static long lastSeq(String container) {
        JsonNode chat = Docker.serverHealth(container);
        return chat == null ? -1 : chat.path("commitSeq").asLong(-1);
    }

    private static List<String> awaitAllHealthy(int expected) {
        List<String>[] names = new List[1];
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2)).until(() -> {
            names[0] = Docker.lines(compose(60, "ps", "-q")).stream()
                    .map(id -> {
                        try {
                            return Docker.run(20, "docker", "inspect", "--format", "{{.Name}}", id).trim()
                                    .replaceFirst("^/", "");
                        } catch (Exception e) {
                            return id;
                        }
                    }).toList();
            if (names[0].size() != expected) {
                return false;
            }
            for (String name : names[0]) {
                if (!"healthy".equals(Docker.health(name))) {
                    return false;
                }
            }
            return true;
        });
        return names[0];
    }

    private static String compose(long timeoutSeconds, String... args) throws Exception {
        String[] command = new String[COMPOSE.length + args.length];
        System.arraycopy(COMPOSE, 0, command, 0, COMPOSE.length);
        System.arraycopy(args, 0, command, COMPOSE.length, args.length);
        return Docker.run(timeoutSeconds, command);
    }
}
