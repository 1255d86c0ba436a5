package io.zchat.shared.config;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.zchat.shared.clock.ClockProperties;
import io.zchat.shared.clock.Clocks;
import io.zchat.shared.clock.LamportClock;
import io.zchat.shared.clock.PhysicalClock;
import io.zchat.shared.log.MessageLog;
import io.zchat.shared.wire.WireCodec;
import io.zchat.shared.zmq.LoopsHealthIndicator;
import io.zchat.shared.zmq.ZmqLoop;
import io.zchat.shared.zmq.ZmqSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.micrometer.metrics.autoconfigure.MeterRegistryCustomizer;
import org.springframework.context.annotation.Bean;

/** What every role has: codec, clocks, message log, loop health, node-tagged metrics. */
@AutoConfiguration
@EnableConfigurationProperties({NodeProperties.class, ZmqSettings.class, ClockProperties.class,
        Endpoints.Broker.class, Endpoints.Proxy.class})
public class ChatSharedAutoConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(ChatSharedAutoConfiguration.class);

    @Bean
    @ConditionalOnMissingBean
    public WireCodec wireCodec() {
        return new WireCodec();
    }

    @Bean
    @ConditionalOnMissingBean
    public MessageLog messageLog(NodeProperties node) {
        return new MessageLog(node.logMessages());
    }

    @Bean
    @ConditionalOnMissingBean
    public Clocks clocks(ClockProperties clock) {
        PhysicalClock physical = PhysicalClock.skewed(clock.maxSkew(), clock.driftPpm());
        if (physical.offsetMillis() != 0 || clock.driftPpm() != 0) {
            LOG.info("physical clock starts skewed by {} ms, drift {} ppm", physical.offsetMillis(), clock.driftPpm());
        }
        return new Clocks(new LamportClock(), physical);
    }

    @Bean
    public LoopsHealthIndicator loopsHealthIndicator(ObjectProvider<ZmqLoop> loops) {
        return new LoopsHealthIndicator(loops.orderedStream().toList());
    }

    @Bean
    public MeterBinder zmqAuthMeters(ObjectProvider<ZmqLoop> loops) {
        return registry -> FunctionCounter.builder("chat.zmq.auth.denied", loops,
                        l -> l.orderedStream().mapToLong(ZmqLoop::authDenied).sum())
                .description("CURVE handshakes refused by this node's ZAP handlers (key not admitted)")
                .register(registry);
    }

    @Bean
    public MeterRegistryCustomizer<MeterRegistry> nodeTag(NodeProperties node) {
        return registry -> registry.config().commonTags("node", node.nodeName());
    }

    @Bean
    public MeterBinder clockMeters(Clocks clocks) {
        return registry -> {
            Gauge.builder("chat.lamport.clock", clocks.lamport(), LamportClock::current)
                    .description("Lamport clock of this process").register(registry);
            Gauge.builder("chat.clock.offset", clocks.physical(), c -> c.offsetMillis())
                    .description("physical clock offset from the system clock").baseUnit("milliseconds")
                    .register(registry);
        };
    }
}
