package io.zchat.server.store;

import java.time.Instant;
import java.util.List;

/** The content of registry.json: users with their latest login times, and channels, in creation order. */
public record RegistrySnapshot(List<User> users, List<String> channels) {

    public static RegistrySnapshot empty() {
        return new RegistrySnapshot(List.of(), List.of());
    }

    /** @param logins the most recent login times, oldest first */
    public record User(String name, long loginCount, List<Instant> logins) {
    }
}
