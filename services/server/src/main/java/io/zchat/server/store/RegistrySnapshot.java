package io.zchat.server.store;

import java.time.Instant;
import java.util.List;

/**
 * The content of registry.json: users with their latest login times, channels in creation order,
 * and {@code seq}, the last log entry (a login or a channel) reflected in it.
 */
public record RegistrySnapshot(List<User> users, List<String> channels, long seq) {

    public RegistrySnapshot(List<User> users, List<String> channels) {
        this(users, channels, 0);
    }

    public static RegistrySnapshot empty() {
        return new RegistrySnapshot(List.of(), List.of(), 0);
    }

    /** @param logins the most recent login times, oldest first */
    public record User(String name, long loginCount, List<Instant> logins) {
    }
}
