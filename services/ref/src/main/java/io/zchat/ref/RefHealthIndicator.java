package io.zchat.ref;

import io.zchat.shared.wire.Replies;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Health component {@code servers}: every server ref knows, with rank, address and whether it is alive. */
@Component("servers")
public class RefHealthIndicator implements HealthIndicator {
    private final RefLoop loop;

    public RefHealthIndicator(RefLoop loop) {
        this.loop = loop;
    }

    @Override
    public Health health() {
        List<Replies.ServerInfo> alive = loop.alive();
        Map<String, Object> servers = new LinkedHashMap<>();
        for (ServerDirectory.Server s : loop.known()) {
            boolean up = alive.stream().anyMatch(a -> a.name().equals(s.name()));
            servers.put(s.name(), Map.of("rank", s.rank(), "address", s.address(), "alive", up,
                    "lastHeartbeat", String.valueOf(s.lastHeartbeat())));
        }
        return Health.up().withDetail("alive", alive.stream().map(Replies.ServerInfo::name).toList())
                .withDetail("known", servers).build();
    }
}
