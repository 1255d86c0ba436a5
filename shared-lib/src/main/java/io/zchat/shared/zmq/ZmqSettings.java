package io.zchat.shared.zmq;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

import java.time.Duration;

/**
 * ZeroMQ settings shared by every role.
 *
 * @param maxMessageSize larger frames are dropped by ZeroMQ, which closes that connection
 * @param pollTimeout    how long a loop waits for input before it runs its timers and sees a stop
 * @param sendHighWater  queued outgoing messages per peer before ZeroMQ drops (PUB) or blocks
 */
@ConfigurationProperties("chat.zmq")
public record ZmqSettings(
        @DefaultValue("1MB") DataSize maxMessageSize,
        @DefaultValue("100ms") Duration pollTimeout,
        @DefaultValue("100000") int sendHighWater) {

    public static ZmqSettings defaults() {
        return new ZmqSettings(DataSize.ofMegabytes(1), Duration.ofMillis(100), 100_000);
    }
}
