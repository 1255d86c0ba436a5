package io.zchat.server.net;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.stereotype.Component;

/** Replication figures as gauges: lag behind the coordinator, log end, commit point, term. */
@Component
public class ReplicationMeters implements MeterBinder {
    private final ServerLoop loop;

    public ReplicationMeters(ServerLoop loop) {
        this.loop = loop;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("chat.replication.lag.entries", loop, ServerLoop::lagEntries)
                .description("log entries this server is behind the coordinator").register(registry);
        Gauge.builder("chat.replication.lag", loop, ServerLoop::lagMillis).baseUnit("milliseconds")
                .description("age of the oldest entry this server lacked at its latest fetch answer")
                .register(registry);
        Gauge.builder("chat.replication.last.seq", loop, ServerLoop::lastSeq)
                .description("last entry in this server's log").register(registry);
        Gauge.builder("chat.replication.commit.seq", loop, ServerLoop::commitSeq)
                .description("last entry known committed (held by min-acks servers)").register(registry);
        Gauge.builder("chat.replication.term", loop, ServerLoop::term)
                .description("coordinator term this server is in").register(registry);
    }
}
