package io.zchat.broker;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * ZeroMQ heartbeats on the broker's connections to the servers. A server that stops answering
 * (stalled: a long pause, a frozen VM, SIGSTOP) keeps its TCP connection, and without them the
 * broker would go on handing it its share of requests, each lost to its client's timeout, for as
 * long as the stall lasts. With them, its connection is closed once it has been silent for
 * {@code timeout}, and requests go to the others; it connects again when it resumes. The pings are
 * answered by the servers' ZeroMQ I/O threads, so a busy server loop does not miss them.
 *
 * @param interval how often the broker pings each server connection that has been quiet
 * @param timeout  a connection silent this long after a ping is closed (the requests queued on it
 *                 are lost, and their clients send them again with the same id)
 */
@ConfigurationProperties("chat.broker.server-heartbeat")
public record ServerHeartbeat(@DefaultValue("250ms") Duration interval, @DefaultValue("1s") Duration timeout) {
    public ServerHeartbeat {
        if (interval.isNegative() || interval.isZero() || timeout.compareTo(interval) <= 0) {
            throw new IllegalArgumentException("chat.broker.server-heartbeat: the interval (" + interval
                    + ") must be positive and shorter than the timeout (" + timeout + ")");
        }
    }
}
