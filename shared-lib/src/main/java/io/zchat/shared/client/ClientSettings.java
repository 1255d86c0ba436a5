package io.zchat.shared.client;

import java.time.Duration;

/**
 * How patient a client is.
 *
 * @param timeout how long to wait for each reply before the socket is reopened (Lazy Pirate)
 * @param retries how many times a request is sent again before it fails
 */
public record ClientSettings(Duration timeout, int retries) {
    public static ClientSettings defaults() {
        return new ClientSettings(Duration.ofSeconds(2), 3);
    }
}
