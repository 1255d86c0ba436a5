package io.zchat.shared.wire;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Every service name of the wire contract, with the aliases older clients send. */
public enum Service {
    LOGIN("login", "register_user"),
    USERS("users"),
    CHANNEL("channel"),
    CHANNELS("channels", "list_channels"),
    PUBLISH("publish"),
    MESSAGE("message"),
    HISTORY("history"),
    RANK("rank"),
    LIST("list"),
    HEARTBEAT("heartbeat"),
    CLOCK("clock"),
    ELECTION("election"),
    /** Server to server: a Berkeley correction from the coordinator. */
    SYNC("sync"),
    ERROR("error");

    private final String wireName;
    private final List<String> aliases;

    Service(String wireName, String... aliases) {
        this.wireName = wireName;
        this.aliases = List.of(aliases);
    }

    public String wireName() {
        return wireName;
    }

    public boolean matches(String name) {
        return wireName.equals(name) || aliases.contains(name);
    }

    public static Optional<Service> of(String name) {
        return Arrays.stream(values()).filter(s -> s.matches(name)).findFirst();
    }

    /** Writes that carry a request id and are applied at most once. */
    public boolean isWrite() {
        return this == LOGIN || this == CHANNEL || this == PUBLISH || this == MESSAGE;
    }
}
