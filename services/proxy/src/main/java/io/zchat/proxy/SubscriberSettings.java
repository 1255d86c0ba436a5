package io.zchat.proxy;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How much the proxy holds for one subscriber.
 *
 * @param highWater publications queued for one subscriber before it starts losing them: bounds the
 *                  proxy's memory when a subscriber stops reading (about this many times the
 *                  publication size, per stalled subscriber, plus its TCP buffers)
 */
@ConfigurationProperties("chat.proxy.subscriber")
public record SubscriberSettings(@DefaultValue("10000") int highWater) {
    public SubscriberSettings {
        if (highWater <= 0) {
            throw new IllegalArgumentException("chat.proxy.subscriber.high-water must be positive, got " + highWater);
        }
    }
}
