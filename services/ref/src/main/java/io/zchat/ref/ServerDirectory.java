package io.zchat.ref;

import io.zchat.shared.wire.Replies;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The servers ref knows: each name has one rank for good (1 is best, new names get the next one),
 * the peer address it last gave, and when it last beat. Alive = beat within the timeout.
 * Owned by one thread.
 */
public final class ServerDirectory {
    private final Clock clock;
    private final Duration timeout;
    private final Map<String, Server> servers = new LinkedHashMap<>();
    private boolean dirty;

    /** A known server; {@code lastHeartbeat} is null until it first beats (times saved before a ref restart count). */
    public record Server(String name, int rank, String address, Instant lastHeartbeat) {
    }

    public ServerDirectory(Clock clock, Duration timeout, List<Server> known) {
        this.clock = clock;
        this.timeout = timeout;
        known.forEach(s -> servers.put(s.name(), s));
    }

    /** The rank of {@code name}: its old one if known (its address updated), else the next free one. */
    public int register(String name, String address) {
        Server old = servers.get(name);
        int rank = old != null ? old.rank()
                : servers.values().stream().mapToInt(Server::rank).max().orElse(0) + 1;
        servers.put(name, new Server(name, rank, address, clock.instant()));
        dirty = true;
        return rank;
    }

    /** Records a heartbeat; false for a name ref does not know (it must ask for a rank). */
    public boolean heartbeat(String name) {
        Server old = servers.get(name);
        if (old == null) {
            return false;
        }
        servers.put(name, new Server(name, old.rank(), old.address(), clock.instant()));
        dirty = true;
        return true;
    }

    public boolean isAlive(Server server) {
        return server.lastHeartbeat() != null
                && !server.lastHeartbeat().plus(timeout).isBefore(clock.instant());
    }

    /** Alive servers, best rank first. */
    public List<Replies.ServerInfo> alive() {
        return servers.values().stream().filter(this::isAlive).sorted(Comparator.comparingInt(Server::rank))
                .map(s -> new Replies.ServerInfo(s.name(), s.rank(), s.address())).toList();
    }

    public List<Server> all() {
        return new ArrayList<>(servers.values());
    }

    public Optional<Server> find(String name) {
        return Optional.ofNullable(servers.get(name));
    }

    /** True once after any change, so the owner knows to save. */
    public boolean takeChanged() {
        boolean was = dirty;
        dirty = false;
        return was;
    }
}
