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
    private static final Compose COMPOSE = new Compose(PROJECT);

    @BeforeAll
    static void clean() throws Exception {
        COMPOSE.run(120, "down", "-v", "--remove-orphans");
    }

    @AfterAll
    static void wipe() throws Exception {
        COMPOSE.run(120, "down", "-v", "--remove-orphans");
    }

    @Test
    void upDownUpKeepsEveryServersNameRankAndData() throws Exception {
        COMPOSE.run(900, "up", "-d", "--build", "ref", "broker", "proxy", "server", "bot");
        List<String> containers = COMPOSE.awaitAllHealthy(8);
        List<String> servers = Compose.of("server", containers);
        assertThat(servers).hasSize(3);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> servers.stream().allMatch(s -> Docker.commitSeq(s) >= 20));
        Map<String, String> ranks = new HashMap<>();
        Map<String, Long> entries = new HashMap<>();
        for (String server : servers) {
            JsonNode chat = Docker.serverHealth(server);
            ranks.put(chat.path("node").asText(), chat.path("rank").asText());
            entries.put(chat.path("node").asText(), chat.path("commitSeq").asLong());
        }
        System.out.println("before down: ranks " + ranks + ", committed entries " + entries);
        assertThat(ranks).containsOnlyKeys("server-1", "server-2", "server-3");

        COMPOSE.run(300, "down");
        COMPOSE.run(600, "up", "-d", "ref", "broker", "proxy", "server");
        List<String> again = Compose.of("server", COMPOSE.awaitAllHealthy(6));
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
}
