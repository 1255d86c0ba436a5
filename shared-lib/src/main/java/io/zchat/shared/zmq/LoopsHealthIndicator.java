package io.zchat.shared.zmq;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import java.util.List;

/** UP while every socket loop of this process runs; a failed or stopped loop takes it DOWN. */
public class LoopsHealthIndicator implements HealthIndicator {
    private final List<ZmqLoop> loops;

    public LoopsHealthIndicator(List<ZmqLoop> loops) {
        this.loops = List.copyOf(loops);
    }

    @Override
    public Health health() {
        Health.Builder builder = Health.up();
        for (ZmqLoop loop : loops) {
            LoopState state = loop.state();
            builder.withDetail(loop.name(), state.name());
            if (!state.isUp()) {
                builder.down();
                if (loop.failure() != null) {
                    builder.withDetail(loop.name() + ".error", String.valueOf(loop.failure().getMessage()));
                }
            }
        }
        return builder.build();
    }
}
