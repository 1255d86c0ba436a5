package io.zchat.shared.wire;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
        return Optional.ofNullable(name == null ? null : Names.BY_NAME.get(name));
    }

    /** Every wire name and alias, looked up once per request. */
    private static final class Names {
        static final Map<String, Service> BY_NAME = byName();

        private static Map<String, Service> byName() {
            Map<String, Service> names = new HashMap<>();
            for (Service service : values()) {
                names.putIfAbsent(service.wireName, service);
                service.aliases.forEach(alias -> names.putIfAbsent(alias, service));
            }
            return Map.copyOf(names);
        }
    }

    /** Writes that carry a request id and are applied at most once. */
    public boolean isWrite() {
        return this == LOGIN || this == CHANNEL || this == PUBLISH || this == MESSAGE;
    }
}
