package io.zchat.server.net;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.zchat.shared.wire.Replies;
import io.zchat.shared.wire.Service;
import org.springframework.stereotype.Component;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** {@code chat_requests_seconds}: client requests from receipt to reply, per service and outcome (histogram). */
@Component
public class RequestTimers {
    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Timer> timers = new ConcurrentHashMap<>();

    public RequestTimers(MeterRegistry registry) {
        this.registry = registry;
    }

    public void record(String service, Object reply, long nanos) {
        String outcome = isError(reply) ? "erro" : "ok";
        String known = Service.of(service).map(Service::wireName).orElse("unknown");
        timers.computeIfAbsent(known + '/' + outcome, k -> Timer.builder("chat.requests")
                .description("client requests, from receipt to reply")
                .tag("service", known).tag("outcome", outcome)
                .publishPercentileHistogram()
                .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }

    private static boolean isError(Object reply) {
        if (reply instanceof Replies.Status s) {
            return !s.ok();
        }
        if (reply instanceof Replies.Ack a) {
            return !a.isOk();
        }
        return reply instanceof Replies.History h && h.status() != null;
    }
}
