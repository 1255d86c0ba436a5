package io.zchat.server.state;

import io.zchat.server.log.LogEntry;
import io.zchat.server.store.StoredEntry;
import io.zchat.shared.names.NameRules;
import io.zchat.shared.wire.HistoryEntry;
import io.zchat.shared.wire.Replies;
import io.zchat.shared.wire.Requests;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import java.util.function.Predicate;

/**
 * The chat domain held by one server, built by applying the replicated log in order: users,
 * channels, the latest entries of each topic, and the ids of recent writes. The coordinator
 * checks a write against it before ordering; every server applies the ordered entries the same
 * way. Owned by one thread.
 */
public final class ChatState {
    public static final String DEFAULT_CHANNEL = "general";
    public static final int MAX_MESSAGE_LENGTH = 8192;
    public static final int HISTORY_DEFAULT = 100;
    public static final int HISTORY_MAX = 1000;
    /** Request ids remembered for retries: at least the latest half of this, at most all of it. */
    private static final int REMEMBERED_IDS = 131_072;

    private final Set<String> users = new LinkedHashSet<>();
    private final Set<String> channels = new LinkedHashSet<>();
    private HistoryIndex history = new HistoryIndex(HISTORY_MAX);
    private RecentIds recent;
    private final BiConsumer<Boolean, Consumer<StoredEntry>> diskScan;
    private final long historyReplyBytes;
    private final LongFunction<String> idAt;
    private long lastSeq;
    private long lastClock;

    /**
     * @param diskScan streams the stored posts ({@code true}) or direct messages from disk
     * @param idAt     the request id of the log entry at a seq (null when there is none)
     * @param historyReplyBytes most bytes of entries in one history reply (what the message size
     *                          limit leaves): a longer history is cut, and paged with {@code since}
     */
    public ChatState(BiConsumer<Boolean, Consumer<StoredEntry>> diskScan, LongFunction<String> idAt,
                     long historyReplyBytes) {
        this.diskScan = diskScan;
        this.historyReplyBytes = historyReplyBytes;
        this.idAt = idAt;
        this.recent = new RecentIds(REMEMBERED_IDS, idAt);
        channels.add(DEFAULT_CHANNEL);
    }

    /** Applies an ordered entry (the next in the log). */
    public void apply(LogEntry entry) {
        switch (entry.op()) {
            case LOGIN -> users.add(entry.user());
            case CHANNEL -> channels.add(entry.channel());
            case PUBLISH, MESSAGE -> history.add(entry.toStored());
            case TERM -> {
                // nothing to apply: it only marks where a coordinator's term began
            }
        }
        recent.remember(entry.id(), entry.seq());
        lastSeq = entry.seq();
        lastClock = Math.max(lastClock, entry.clock());
    }

    /** Forgets everything and applies the given entries again (after the log was cut back). */
    public void rebuild(Consumer<Consumer<LogEntry>> entries) {
        users.clear();
        channels.clear();
        channels.add(DEFAULT_CHANNEL);
        history = new HistoryIndex(HISTORY_MAX);
        recent = new RecentIds(REMEMBERED_IDS, idAt);
        lastSeq = 0;
        lastClock = 0;
        entries.accept(this::apply);
    }

    /** The seq of the entry a write id was ordered as, if it was (recently). */
    public Optional<Long> seqOf(String id) {
        return recent.seqOf(id);
    }

    public Optional<String> loginProblem(String user) {
        Optional<String> problem = NameRules.problem("user", user);
        if (problem.isEmpty() && channels.contains(user)) {
            problem = Optional.of("'" + user + "' is a channel name");
        }
        return problem;
    }

    public Optional<String> channelProblem(String channel) {
        Optional<String> problem = NameRules.problem("channel", channel);
        if (problem.isPresent()) {
            return problem;
        }
        if (channels.contains(channel)) {
            return Optional.of("channel '" + channel + "' already exists");
        }
        if (users.contains(channel)) {
            return Optional.of("'" + channel + "' is a user name");
        }
        return Optional.empty();
    }

    public Optional<String> postProblem(Requests.Publish request) {
        Optional<String> problem = messageProblem(request.message());
        if (problem.isEmpty() && !users.contains(request.user())) {
            problem = Optional.of(unknownUser(request.user()));
        }
        if (problem.isEmpty() && !channels.contains(request.channel())) {
            problem = Optional.of("unknown channel '" + request.channel() + "'");
        }
        return problem;
    }

    public Optional<String> directProblem(Requests.Message request) {
        Optional<String> problem = messageProblem(request.message());
        if (problem.isEmpty() && !users.contains(request.src())) {
            problem = Optional.of(unknownUser(request.src()));
        }
        if (problem.isEmpty() && !users.contains(request.dst())) {
            problem = Optional.of(unknownUser(request.dst()));
        }
        return problem;
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
        if (byChannel ? !channels.contains(topic) : !users.contains(topic)) {
            return Replies.History.error(byChannel ? "unknown channel '" + topic + "'" : unknownUser(topic));
        }
        List<StoredEntry> entries = history.query(byChannel, topic, limit, request.since())
                .orElseGet(() -> fromDisk(byChannel, topic, limit, request.since()));
        entries = HistoryIndex.fitting(entries, request.since() == null, historyReplyBytes);
        List<HistoryEntry> out = new ArrayList<>(entries.size());
        entries.forEach(e -> out.add(e.toHistory()));
        return Replies.History.of(out);
    }

    public List<String> users() {
        return List.copyOf(users);
    }

    public List<String> channels() {
        return List.copyOf(channels);
    }

    public long lastSeq() {
        return lastSeq;
    }

    /** The highest Lamport clock among applied entries (the clock must never restart below it). */
    public long lastClock() {
        return lastClock;
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
}
