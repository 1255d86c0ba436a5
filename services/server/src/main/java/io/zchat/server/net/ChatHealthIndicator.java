package io.zchat.server.net;

import io.zchat.server.state.ChatState;
import io.zchat.shared.clock.Clocks;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/** Health component {@code chat}: this server's clocks and storage; DOWN while storage fails. */
@Component("chat")
public class ChatHealthIndicator implements HealthIndicator {
    private final Clocks clocks;
    private final ServerLoop loop;
    private final ChatState state;

    public ChatHealthIndicator(Clocks clocks, ServerLoop loop, ChatState state) {
        this.clocks = clocks;
        this.loop = loop;
        this.state = state;
    }

    @Override
    public Health health() {
        String problem = loop.storageProblem();
        Health.Builder builder = problem == null ? Health.up() : Health.down().withDetail("storage", problem);
        return builder
                .withDetail("lamport", clocks.lamport().current())
                .withDetail("clockOffsetMs", clocks.physical().offsetMillis())
                .withDetail("entries", state.lastSeq())
                .build();
    }
}
