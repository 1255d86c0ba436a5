package io.zchat.shared.clock;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * Physical clock injection, to show that clock synchronisation works.
 *
 * @param maxSkew  bound of the random initial offset from the system clock
 * @param driftPpm how fast this clock runs away from the system clock, parts per million
 */
@ConfigurationProperties("chat.clock")
public record ClockProperties(@DefaultValue("0ms") Duration maxSkew, @DefaultValue("0") double driftPpm) {
}
