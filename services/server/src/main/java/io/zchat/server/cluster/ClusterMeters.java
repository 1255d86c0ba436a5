package io.zchat.server.cluster;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.stereotype.Component;

/** Rank, coordinator and alive peers as gauges. */
@Component
public class ClusterMeters implements MeterBinder {
    private final ClusterView view;

    public ClusterMeters(ClusterView view) {
        this.view = view;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("chat.server.rank", view, v -> v.rank() == null ? 0 : v.rank())
                .description("rank given by ref (0 until registered)").register(registry);
        Gauge.builder("chat.server.coordinator", view, v -> v.isCoordinator() ? 1 : 0)
                .description("1 while this server is the coordinator").register(registry);
        Gauge.builder("chat.server.peers.alive", view, v -> v.peers().size())
                .description("other servers listed alive by ref").register(registry);
    }
}
