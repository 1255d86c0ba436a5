package io.zchat.server.state;

import io.zchat.server.store.StoredEntry;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The latest entries of each channel and of each user's direct messages (sent and received),
 * kept in memory up to a bound per topic; older ones stay on disk.
 * <p>
 * A busy server holds thousands of entries for about a second, long enough to be copied by
 * several young collections, whose pause grows with what they copy: so each topic keeps its
 * entries in columns ({@link TopicHistory}), no object per entry. Names are shared, and the
 * request id (which a history reply does not carry) is not kept.
 */
public final class HistoryIndex {
    private final int perTopic;
    private final Map<String, TopicHistory> channels = new HashMap<>();
    private final Map<String, TopicHistory> users = new HashMap<>();
    /** One instance of each user and channel name: as many as there are names, not entries. */
    private final Map<String, String> names = new HashMap<>();

    public HistoryIndex(int perTopic) {
        this.perTopic = perTopic;
    }

    public void add(StoredEntry entry) {
        String user = name(entry.user());
        String channel = name(entry.channel());
        String src = name(entry.src());
        String dst = name(entry.dst());
        if (entry.isPost()) {
            topic(channels, channel).add(entry.seq(), entry.clock(), entry.timestamp(), user, channel, src, dst,
                    entry.message());
        } else {
            topic(users, src).add(entry.seq(), entry.clock(), entry.timestamp(), user, channel, src, dst,
                    entry.message());
            if (!dst.equals(src)) {
                topic(users, dst).add(entry.seq(), entry.clock(), entry.timestamp(), user, channel, src, dst,
                        entry.message());
            }
        }
    }

    /**
     * Entries of a topic after {@code since} (all when null): the first {@code limit} of them when
     * {@code since} is given (paging forward), else the latest {@code limit}; oldest first. Empty
     * when memory does not reach back far enough and the caller must read the file. The entries
     * have no request id.
     */
    public Optional<List<StoredEntry>> query(boolean channel, String topic, int limit, Long since) {
        TopicHistory entries = (channel ? channels : users).get(topic);
        if (entries == null) {
            return Optional.of(List.of());
        }
        if (entries.droppedAny() && (since == null ? entries.size() < limit : since < entries.droppedClock())) {
            return Optional.empty();
        }
        List<StoredEntry> out = new ArrayList<>(Math.min(limit, entries.size()));
        if (since == null) {
            for (int i = Math.max(0, entries.size() - limit); i < entries.size(); i++) {
                out.add(entries.entry(i));
            }
        } else {
            for (int i = 0; i < entries.size() && out.size() < limit; i++) {
                if (entries.clock(i) > since) {
                    out.add(entries.entry(i));
                }
            }
        }
        return Optional.of(out);
    }

    /** The same selection as {@link #query} over any oldest-first sequence. */
    public static List<StoredEntry> select(Iterable<StoredEntry> oldestFirst, int limit, Long since) {
        if (since != null) {
            List<StoredEntry> out = new ArrayList<>(Math.min(limit, 64));
            for (StoredEntry e : oldestFirst) {
                if (e.clock() > since) {
                    out.add(e);
                    if (out.size() == limit) {
                        break;
                    }
                }
            }
            return out;
        }
        ArrayDeque<StoredEntry> last = new ArrayDeque<>(Math.min(limit, 64));
        for (StoredEntry e : oldestFirst) {
            last.addLast(e);
            if (last.size() > limit) {
                last.removeFirst();
            }
        }
        return new ArrayList<>(last);
    }

    /**
     * The part of {@code oldestFirst} that a reply can carry in {@code budgetBytes} once encoded:
     * the newest entries (a request for the latest) or the oldest (paging on from a clock), at
     * least one, oldest first. A reply over ZeroMQ's message size limit is dropped with the
     * connection that carries it, so it is cut here; the client pages on with {@code since}.
     */
    public static List<StoredEntry> fitting(List<StoredEntry> oldestFirst, boolean keepNewest, long budgetBytes) {
        int n = oldestFirst.size();
        long total = 0;
        int kept = 0;
        while (kept < n) {
            total += encodedSizeAtMost(oldestFirst.get(keepNewest ? n - 1 - kept : kept));
            if (total > budgetBytes && kept > 0) {
                break;
            }
            kept++;
        }
        if (kept == n) {
            return oldestFirst;
        }
        return keepNewest ? oldestFirst.subList(n - kept, n) : oldestFirst.subList(0, kept);
    }

    /** An entry's field names, their MessagePack headers, its time and clock: well above what they take. */
    static final int ENTRY_FIELDS_BYTES = 160;

    /** At least the bytes an entry takes in a reply: its strings in UTF-8, plus {@link #ENTRY_FIELDS_BYTES}. */
    static long encodedSizeAtMost(StoredEntry e) {
        return ENTRY_FIELDS_BYTES + utf8Length(e.user()) + utf8Length(e.channel()) + utf8Length(e.src())
                + utf8Length(e.dst()) + utf8Length(e.message());
    }

    private static long utf8Length(String s) {
        if (s == null) {
            return 0;
        }
        long bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            // a surrogate pair is 4 bytes: 2 for each half
            bytes += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
        }
        return bytes;
    }

    private TopicHistory topic(Map<String, TopicHistory> index, String topic) {
        return index.computeIfAbsent(topic, t -> new TopicHistory(perTopic));
    }

    private String name(String name) {
        return name == null ? null : names.computeIfAbsent(name, n -> n);
    }
}
