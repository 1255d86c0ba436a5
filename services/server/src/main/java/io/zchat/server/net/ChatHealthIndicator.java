package io.zchat.server.net;

import io.zchat.server.cluster.ClusterView;
import io.zchat.server.state.ChatState;
import io.zchat.shared.clock.Clocks;
import io.zchat.shared.wire.Replies;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Health component {@code chat}: rank, coordinator, clocks, replication, storage. DOWN until the
 * server has a rank from ref and has caught up with the coordinator, and while its storage fails.
 */
@Component("chat")
public class ChatHealthIndicator implements HealthIndicator {
    private final Clocks clocks;
    private final ServerLoop loop;
    private final ChatState state;
    private final ClusterView cluster;

    public ChatHealthIndicator(Clocks clocks, ServerLoop loop, ChatState state, ClusterView cluster) {
        this.clocks = clocks;
        this.loop = loop;
        this.state = state;
        this.cluster = cluster;
    }

    @Override
    public Health health() {
        String problem = loop.storageProblem();
        boolean ready = problem == null && cluster.registered() && loop.caughtUp();
        Health.Builder builder = ready ? Health.up() : Health.down();
        if (problem != null) {
            builder.withDetail("storage", problem);
        }
        String corruption = loop.lastCorruption();
        if (corruption != null) {
            builder.withDetail("lastCorruption", corruption);
        }
        return builder
                .withDetail("node", cluster.self())
                .withDetail("rank", String.valueOf(cluster.rank()))
                .withDetail("coordinator", String.valueOf(cluster.coordinator()))
                .withDetail("isCoordinator", cluster.isCoordinator())
                .withDetail("peersAlive", cluster.peers().stream().map(Replies.ServerInfo::name).toList())
                .withDetail("lamport", clocks.lamport().current())
                .withDetail("clockOffsetMs", clocks.physical().offsetMillis())
                .withDetail("role", loop.role().name())
                .withDetail("term", loop.term())
                .withDetail("lastSeq", loop.lastSeq())
                .withDetail("commitSeq", loop.commitSeq())
                .withDetail("caughtUp", loop.caughtUp())
                .withDetail("replicationLagEntries", loop.lagEntries())
                .withDetail("replicationLagMs", loop.lagMillis())
                .withDetail("users", state.users().size())
                .build();
    }
}
