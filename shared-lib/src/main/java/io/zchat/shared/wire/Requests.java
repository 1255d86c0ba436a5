package io.zchat.shared.wire;

/**
 * Request bodies of the contract (the {@code data} map without timestamp and clock).
 * Writes carry an optional {@code id} that a retry reuses.
 */
public final class Requests {
    private Requests() {
    }

    /** A write: its optional id lets a retry be recognised. */
    public interface Write {
        String id();
    }

    /** users, channels, list, clock, election: no fields. */
    public record Empty() {
    }

    public record Login(String user, String id) implements Write {
    }

    public record Channel(String channel, String id) implements Write {
    }

    public record Publish(String user, String channel, String message, String id) implements Write {
    }

    public record Message(String src, String dst, String message, String id) implements Write {
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
