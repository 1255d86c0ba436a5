package io.zchat.server.state;

import io.zchat.server.store.StoredEntry;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToLongFunction;

/**
 * The latest entries of each channel and of each user's direct messages (sent and received),
 * kept in memory up to a bound per topic; older ones stay on disk.
 * <p>
 * Each entry is kept compact ({@link Kept}): a busy server holds thousands of them for about a
 * second, long enough to be copied by several young collections, whose pause grows with the
 * number of objects they copy. Names are shared, the text is one UTF-8 array, and the request id
 * (which a history reply does not carry) is not kept: two objects an entry instead of about ten.
 */
public final class HistoryIndex {
    private final int perTopic;
    private final Map<String, Deque<Kept>> channels = new HashMap<>();
    private final Map<String, Deque<Kept>> users = new HashMap<>();
    /** One instance of each user and channel name: as many as there are names, not entries. */
    private final Map<String, String> names = new HashMap<>();
    /** Per topic, the highest clock among entries pushed out of memory. */
    private final Map<String, Long> channelDropped = new HashMap<>();
    private final Map<String, Long> userDropped = new HashMap<>();

    public HistoryIndex(int perTopic) {
        this.perTopic = perTopic;
    }

    public void add(StoredEntry entry) {
        Kept kept = new Kept(entry.seq(), entry.clock(), entry.timestamp().getEpochSecond(),
                entry.timestamp().getNano(), name(entry.user()), name(entry.channel()), name(entry.src()),
                name(entry.dst()), entry.message().getBytes(StandardCharsets.UTF_8));
        if (entry.isPost()) {
            push(channels, channelDropped, kept.channel(), kept);
        } else {
            push(users, userDropped, kept.src(), kept);
            if (!kept.dst().equals(kept.src())) {
                push(users, userDropped, kept.dst(), kept);
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
        Deque<Kept> entries = (channel ? channels : users).getOrDefault(topic, new ArrayDeque<>());
        Long dropped = (channel ? channelDropped : userDropped).get(topic);
        if (dropped != null && (since == null ? entries.size() < limit : since < dropped)) {
            return Optional.empty();
        }
        List<Kept> selected = select(entries, Kept::clock, limit, since);
        List<StoredEntry> out = new ArrayList<>(selected.size());
        selected.forEach(k -> out.add(k.entry()));
        return Optional.of(out);
    }

    /** The same selection as {@link #query} over any oldest-first sequence. */
    public static List<StoredEntry> select(Iterable<StoredEntry> oldestFirst, int limit, Long since) {
        return select(oldestFirst, StoredEntry::clock, limit, since);
    }

    private static <T> List<T> select(Iterable<T> oldestFirst, ToLongFunction<T> clock, int limit, Long since) {
        if (since != null) {
            List<T> out = new ArrayList<>(Math.min(limit, 64));
            for (T e : oldestFirst) {
                if (clock.applyAsLong(e) > since) {
                    out.add(e);
                    if (out.size() == limit) {
                        break;
                    }
                }
            }
            return out;
        }
        ArrayDeque<T> last = new ArrayDeque<>(Math.min(limit, 64));
        for (T e : oldestFirst) {
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

    private void push(Map<String, Deque<Kept>> index, Map<String, Long> dropped, String topic, Kept entry) {
        Deque<Kept> entries = index.computeIfAbsent(topic, t -> new ArrayDeque<>());
        entries.addLast(entry);
        if (entries.size() > perTopic) {
            dropped.merge(topic, entries.removeFirst().clock(), Math::max);
        }
    }

    private String name(String name) {
        return name == null ? null : names.computeIfAbsent(name, n -> n);
    }

    /** What memory keeps of an entry (see the class comment). */
    private record Kept(long seq, long clock, long epochSecond, int nano, String user, String channel, String src,
                        String dst, byte[] text) {
        StoredEntry entry() {
            return new StoredEntry(seq, null, user, channel, src, dst, new String(text, StandardCharsets.UTF_8),
                    Instant.ofEpochSecond(epochSecond, nano), clock);
        }
    }

}
