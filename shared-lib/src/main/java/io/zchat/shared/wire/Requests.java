package io.zchat.shared.wire;

/**
 * Request bodies of the contract (the {@code data} map without timestamp and clock).
 * Writes carry an optional {@code id} that a retry reuses.
 */
public final class Requests {
    private Requests() {
    }

    /** users, channels, list, clock, election: no fields. */
    public record Empty() {
    }

    public record Login(String user, String id) {
    }

    public record Channel(String channel, String id) {
    }

    public record Publish(String user, String channel, String message, String id) {
    }

    public record Message(String src, String dst, String message, String id) {
    }

    /** One of channel or user; limit and since are optional. */
    public record History(String channel, String user, Integer limit, Long since) {
    }

    public record Rank(String user, String address) {
    }

    public record Heartbeat(String user) {
    }

    /** Berkeley correction: add {@code adjust} milliseconds to the physical clock. */
    public record Sync(Long adjust, String coordinator) {
    }
}
