package io.zchat.server.state;

import io.zchat.server.store.RegistrySnapshot;
import io.zchat.server.store.StoredEntry;
import io.zchat.shared.names.NameRules;
import io.zchat.shared.wire.HistoryEntry;
import io.zchat.shared.wire.Replies;
import io.zchat.shared.wire.Requests;
import io.zchat.shared.wire.Stamp;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The chat domain held by one server: users, channels, and the ordered entries (posts and direct
 * messages), with the rules that decide whether a write is accepted. Owned by one thread.
 */
public final class ChatState {
    public static final String DEFAULT_CHANNEL = "general";
    public static final int MAX_MESSAGE_LENGTH = 8192;
    public static final int HISTORY_DEFAULT = 100;
    public static final int HISTORY_MAX = 1000;
    private static final int LOGINS_KEPT = 20;
    private static final int REMEMBERED_IDS = 100_000;

    private final Map<String, UserInfo> users = new LinkedHashMap<>();
    private final Set<String> channels = new LinkedHashSet<>();
    private final HistoryIndex history = new HistoryIndex(HISTORY_MAX);
    private final RecentReplies recent = new RecentReplies(REMEMBERED_IDS);
    private final BiConsumer<Boolean, Consumer<StoredEntry>> diskScan;
    private long lastSeq;
    private long lastClock;
    private boolean registryDirty;

    /** @param diskScan streams the stored posts ({@code true}) or direct messages from disk */
    public ChatState(RegistrySnapshot registry, BiConsumer<Boolean, Consumer<StoredEntry>> diskScan) {
        this.diskScan = diskScan;
        if (registry == null) {
            channels.add(DEFAULT_CHANNEL);
            registryDirty = true;
        } else {
            registry.channels().forEach(channels::add);
            for (RegistrySnapshot.User u : registry.users()) {
                users.put(u.name(), new UserInfo(u.loginCount(), new ArrayDeque<>(u.logins())));
            }
        }
    }

    /** A write's outcome: the reply to send and, when accepted, the entry to store and publish. */
    public record Write(Object reply, StoredEntry entry) {
        static Write rejected(Object reply) {
            return new Write(reply, null);
        }

        public boolean accepted() {
            return entry != null;
        }
    }

    /** Rebuilds memory from an entry read back from disk at start. */
    public void replay(StoredEntry entry) {
        history.add(entry);
        recent.remember(entry.id(), Replies.Ack.ok());
        lastSeq = Math.max(lastSeq, entry.seq());
        lastClock = Math.max(lastClock, entry.clock());
    }

    /** The reply given to an id already applied, if any. */
    public Optional<Object> replyTo(String id) {
        return recent.replyTo(id);
    }

    public Replies.Status login(String user, String id, Instant now) {
        Optional<String> problem = NameRules.problem("user", user);
        if (problem.isPresent()) {
            return Replies.Status.error(problem.get());
        }
        if (channels.contains(user)) {
            return Replies.Status.error("'" + user + "' is a channel name");
        }
        UserInfo info = users.computeIfAbsent(user, u -> new UserInfo(0, new ArrayDeque<>()));
        info.loggedIn(now);
        registryDirty = true;
        Replies.Status reply = Replies.Status.success();
        recent.remember(id, reply);
        return reply;
    }

    public Replies.Status createChannel(String channel, String id) {
        Optional<String> problem = NameRules.problem("channel", channel);
        if (problem.isPresent()) {
            return Replies.Status.error(problem.get());
        }
        if (channels.contains(channel)) {
            return Replies.Status.error("channel '" + channel + "' already exists");
        }
        if (users.containsKey(channel)) {
            return Replies.Status.error("'" + channel + "' is a user name");
        }
        channels.add(channel);
        registryDirty = true;
        Replies.Status reply = Replies.Status.success();
        recent.remember(id, reply);
        return reply;
    }

    public Write post(Requests.Publish request, Supplier<Stamp> stamp) {
        Optional<String> problem = messageProblem(request.message());
        if (problem.isEmpty() && !users.containsKey(request.user())) {
            problem = Optional.of(unknownUser(request.user()));
        }
        if (problem.isEmpty() && !channels.contains(request.channel())) {
            problem = Optional.of("unknown channel '" + request.channel() + "'");
        }
        if (problem.isPresent()) {
            return Write.rejected(Replies.Ack.error(problem.get()));
        }
        Stamp s = stamp.get();
        return accept(StoredEntry.post(lastSeq + 1, request.id(), request.user(), request.channel(),
                request.message(), s.timestamp(), s.clock()));
    }

    public Write direct(Requests.Message request, Supplier<Stamp> stamp) {
        Optional<String> problem = messageProblem(request.message());
        if (problem.isEmpty() && !users.containsKey(request.src())) {
            problem = Optional.of(unknownUser(request.src()));
        }
        if (problem.isEmpty() && !users.containsKey(request.dst())) {
            problem = Optional.of(unknownUser(request.dst()));
        }
        if (problem.isPresent()) {
            return Write.rejected(Replies.Ack.error(problem.get()));
        }
        Stamp s = stamp.get();
        return accept(StoredEntry.direct(lastSeq + 1, request.id(), request.src(), request.dst(),
                request.message(), s.timestamp(), s.clock()));
    }

    public Replies.History history(Requests.History request) {
        boolean byChannel = request.channel() != null;
        if (byChannel == (request.user() != null)) {
            return Replies.History.error("give exactly one of 'channel' or 'user'");
        }
        int limit = request.limit() == null ? HISTORY_DEFAULT : Math.min(request.limit(), HISTORY_MAX);
        if (limit <= 0) {
            return Replies.History.error("limit must be a positive number");
        }
        String topic = byChannel ? request.channel() : request.user();
        if (byChannel ? !channels.contains(topic) : !users.containsKey(topic)) {
            return Replies.History.error(byChannel ? "unknown channel '" + topic + "'" : unknownUser(topic));
        }
        List<StoredEntry> entries = history.query(byChannel, topic, limit, request.since())
                .orElseGet(() -> fromDisk(byChannel, topic, limit, request.since()));
        List<HistoryEntry> out = new ArrayList<>(entries.size());
        entries.forEach(e -> out.add(e.toHistory()));
        return Replies.History.of(out);
    }

    public List<String> users() {
        return List.copyOf(users.keySet());
    }

    public List<String> channels() {
        return List.copyOf(channels);
    }

    public long lastSeq() {
        return lastSeq;
    }

    /** The highest Lamport clock among stored entries (the clock must never restart below it). */
    public long lastClock() {
        return lastClock;
    }

    /** The registry to write, once per change: empty when nothing changed since the last call. */
    public Optional<RegistrySnapshot> takeRegistryChange() {
        if (!registryDirty) {
            return Optional.empty();
        }
        registryDirty = false;
        List<RegistrySnapshot.User> list = new ArrayList<>(users.size());
        users.forEach((name, info) -> list.add(new RegistrySnapshot.User(name, info.count, List.copyOf(info.logins))));
        return Optional.of(new RegistrySnapshot(list, List.copyOf(channels)));
    }

    private Write accept(StoredEntry entry) {
        lastSeq = entry.seq();
        lastClock = Math.max(lastClock, entry.clock());
        history.add(entry);
        recent.remember(entry.id(), Replies.Ack.ok());
        return new Write(Replies.Ack.ok(), entry);
    }

    private List<StoredEntry> fromDisk(boolean byChannel, String topic, int limit, Long since) {
        Predicate<StoredEntry> ofTopic = byChannel
                ? e -> topic.equals(e.channel())
                : e -> topic.equals(e.src()) || topic.equals(e.dst());
        List<StoredEntry> matching = new ArrayList<>();
        diskScan.accept(byChannel, e -> {
            if (ofTopic.test(e)) {
                matching.add(e);
            }
        });
        return HistoryIndex.select(matching, limit, since);
    }

    private static Optional<String> messageProblem(String message) {
        if (message == null || message.isEmpty()) {
            return Optional.of("message is empty");
        }
        if (message.codePointCount(0, message.length()) > MAX_MESSAGE_LENGTH) {
            return Optional.of("message is longer than " + MAX_MESSAGE_LENGTH + " characters");
        }
        return Optional.empty();
    }

    private static String unknownUser(String user) {
        return "unknown user '" + user + "' (log in first)";
    }

    private static final class UserInfo {
        private long count;
        private final Deque<Instant> logins;

        UserInfo(long count, Deque<Instant> logins) {
            this.count = count;
            this.logins = logins;
        }

        void loggedIn(Instant now) {
            count++;
            logins.addLast(now);
            while (logins.size() > LOGINS_KEPT) {
                logins.removeFirst();
            }
        }
    }
}
