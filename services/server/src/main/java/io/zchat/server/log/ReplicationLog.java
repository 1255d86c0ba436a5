package io.zchat.server.log;

import io.zchat.server.store.Checksum;
import io.zchat.server.store.FsyncPolicy;
import io.zchat.server.store.JsonLinesFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The replicated log, {@code replication.jsonl}: every write in the one total order, one JSON line
 * per entry, seq 1, 2, 3... without gaps. Lines received from the coordinator are stored byte for
 * byte, so every server's log is identical. Keeps the latest lines in memory for the live stream,
 * a sparse offset index for range reads (catch-up), and where each term starts (to check that a
 * follower's log matches). Single-threaded.
 * <p>
 * Every line carries a CRC32C as its last field (set by the coordinator, see {@link Checksum}).
 * It is checked on open, on every line read back from the file and on every line received from
 * a peer: a line that fails is never handed out. A damaged line found on open cuts the log there;
 * one found later stops the read before it and is recorded ({@link #damagedSeq()}) until the
 * owner cuts the log there with {@link #cutDamaged()} and fetches the rest again from a peer.
 * Lines without a checksum (written before checksums) are accepted only as the log's first
 * lines: after the first sealed line, every line must be sealed.
 */
public final class ReplicationLog implements Closeable {
    public static final String FILE = "replication.jsonl";
    private static final Logger LOG = LoggerFactory.getLogger(ReplicationLog.class);
    private static final int INDEX_EVERY = 64;
    private static final byte[] SEQ_PREFIX = "{\"seq\":".getBytes(StandardCharsets.UTF_8);

    private final JsonLinesFile file;
    private final FsyncPolicy fsync;
    /**
     * Parsed entries kept for fewer seqs than lines, and only until the files have them
     * ({@link #forgetEntriesUpTo}): they are many objects each, and needed only while new.
     */
    private static final int ENTRY_MEMORY = 2048;

    private final Ring<byte[]> recent;
    private final Ring<LogEntry> recentEntries;
    /** First seq of each term present in the log. */
    private final TreeMap<Long, Long> termStarts = new TreeMap<>();
    /** offsets[i] = where the line of seq i*INDEX_EVERY+1 starts. */
    private long[] offsets = new long[1024];
    private volatile long lastSeq;
    private volatile long lastTerm;
    private volatile long durableSeq;
    /** The last seq of the unsealed lines the log starts with (0 when it starts sealed). */
    private long legacyEnd;
    /** The first seq found damaged since the last cut (0 when none). */
    private long damagedSeq;
    /** What was last found damaged, for health: kept after the repair. */
    private volatile String lastDamage;

    private ReplicationLog(JsonLinesFile file, FsyncPolicy fsync, int cacheSize) {
        this.file = file;
        this.fsync = fsync;
        this.recent = new Ring<>(cacheSize);
        this.recentEntries = new Ring<>(Math.min(cacheSize, ENTRY_MEMORY));
    }

    /**
     * Opens the log of {@code dir}, handing every entry to {@code entries} in order. A damaged or
     * out-of-order line ends the usable log there: it and what follows are cut (peers fill it in).
     */
    public static ReplicationLog open(Path dir, FsyncPolicy fsync, int cacheSize, Consumer<LogEntry> entries)
            throws IOException {
        Files.createDirectories(dir);
        ReplicationLog log = new ReplicationLog(JsonLinesFile.open(dir.resolve(FILE)), fsync, cacheSize);
        long[] cut = {-1};
        log.file.readFrom(0, (line, offset) -> {
            long seq = log.lastSeq + 1;
            LogEntry entry = log.acceptable(line, seq) ? parse(line) : null;
            if (entry == null || entry.seq() != seq) {
                log.lastDamage = "line of seq " + seq + " at byte " + offset + " failed its check on open; "
                        + "the log was cut there";
                LOG.error("{}: line at byte {} (seq {}) is damaged, unsealed after sealed lines, or out of order; "
                        + "cutting the log there (peers fill in the rest)", FILE, offset, seq);
                cut[0] = offset;
                return false;
            }
            log.noteLegacy(line, seq);
            log.remember(entry, line, offset);
            entries.accept(entry);
            return true;
        });
        if (cut[0] >= 0) {
            log.file.truncate(cut[0]);
        }
        log.durableSeq = log.lastSeq;
        return log;
    }

    /** Appends an entry ordered here (by the coordinator); returns its line, sealed with its checksum. */
    public byte[] append(LogEntry entry) {
        byte[] line = encode(entry);
        appendLine(entry, line);
        return line;
    }

    /**
     * Whether a line received from a peer may be stored as the next entry: it passes its checksum
     * (or is unsealed while this log still holds only unsealed lines). A line that fails is
     * never stored, so it is never replicated further.
     */
    public boolean accepts(byte[] line) {
        return acceptable(line, lastSeq + 1);
    }

    /** Appends an entry received from another server, keeping its bytes (checked with {@link #accepts}). */
    public void appendLine(LogEntry entry, byte[] line) {
        if (entry.seq() != lastSeq + 1) {
            throw new IllegalStateException("log gap: expected seq " + (lastSeq + 1) + ", got " + entry.seq());
        }
        noteLegacy(line, entry.seq());
        long offset = file.position();
        file.append(line);
        remember(entry, line, offset);
    }

    /** Hands everything appended to the OS (and to the disk, per policy): it then survives a kill. */
    public void flush() throws IOException {
        file.flush();
        if (fsync == FsyncPolicy.BATCH) {
            file.sync();
        }
        durableSeq = lastSeq;
    }

    /** Up to {@code max} durable lines after {@code afterSeq}, oldest first, from memory or from the file. */
    public List<byte[]> read(long afterSeq, int max, int maxBytes) {
        return read(afterSeq, max, maxBytes, durableSeq);
    }

    /**
     * Like {@link #read}, but also lines appended and not yet durable while they are in memory: a
     * coordinator sends them to followers while its own flush runs, so the two disks work at once.
     */
    public List<byte[]> readAppended(long afterSeq, int max, int maxBytes) {
        return recent.holds(afterSeq + 1) ? read(afterSeq, max, maxBytes, lastSeq) : read(afterSeq, max, maxBytes);
    }

    private List<byte[]> read(long afterSeq, int max, int maxBytes, long upTo) {
        long first = afterSeq + 1;
        if (first > upTo) {
            return List.of();
        }
        long count = Math.min(max, upTo - afterSeq);
        List<byte[]> out = new ArrayList<>((int) Math.min(count, 1024));
        int[] bytes = {0};
        if (recent.holds(first)) {
            for (long s = first; s < first + count; s++) {
                byte[] line = recent.get(s);
                if (bytes[0] + line.length > maxBytes && !out.isEmpty()) {
                    break;
                }
                out.add(line);
                bytes[0] += line.length;
            }
            return out;
        }
        int slot = (int) ((first - 1) / INDEX_EVERY);
        long[] seq = {slot * (long) INDEX_EVERY};
        try {
            file.readFrom(offsets[slot], (line, offset) -> {
                seq[0]++;
                if (seq[0] >= first
                        && (out.size() >= count || (bytes[0] + line.length > maxBytes && !out.isEmpty()))) {
                    return false;
                }
                // lines before the first wanted are checked too: one split or merged by a flipped
                // newline would shift every seq after it
                if (!acceptable(line, seq[0])) {
                    damaged(seq[0], "line of seq " + seq[0] + " at byte " + offset + " failed its check on read");
                    return false;
                }
                if (seq[0] < first) {
                    return true;
                }
                out.add(line);
                bytes[0] += line.length;
                return true;
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /**
     * The entries after {@code afterSeq} up to {@code upTo} (at most the durable ones), oldest
     * first: the newest from memory, older ones read back from the file.
     */
    public List<LogEntry> entries(long afterSeq, long upTo) {
        long last = Math.min(upTo, durableSeq);
        List<LogEntry> out = new ArrayList<>((int) Math.max(0, Math.min(last - afterSeq, 1024)));
        long next = afterSeq + 1;
        while (next <= last && !recentEntries.holds(next)) {
            int missing = (int) Math.min(Math.min(last, recentEntries.oldest() - 1) - next + 1, 4096);
            List<byte[]> lines = read(next - 1, missing, Integer.MAX_VALUE);
            if (lines.isEmpty()) {
                return out;
            }
            for (byte[] line : lines) {
                LogEntry entry = parse(line);
                if (entry == null) {
                    damaged(next, "entry " + next + " passed its check but cannot be parsed");
                    return out;
                }
                out.add(entry);
                next++;
            }
        }
        for (; next <= last; next++) {
            out.add(recentEntries.get(next));
        }
        return out;
    }

    /** The durable lines after {@code afterSeq}, at most {@code max}, if memory holds them all; else none. */
    public List<byte[]> linesInMemory(long afterSeq, int max) {
        long last = Math.min(afterSeq + max, durableSeq);
        if (last <= afterSeq || !recent.holds(afterSeq + 1) || !recent.holds(last)) {
            return List.of();
        }
        return read(afterSeq, (int) (last - afterSeq), Integer.MAX_VALUE);
    }

    /**
     * The parsed entries up to {@code seq} are no longer needed in memory: they are let go now
     * rather than when the ring comes round, so few of them live long enough to be copied by a
     * young collection. Their lines stay (followers fetch them); a later read parses the line.
     */
    public void forgetEntriesUpTo(long seq) {
        recentEntries.forgetUpTo(seq);
    }

    /**
     * The lines up to {@code seq} are no longer needed in memory (no follower still fetches them,
     * the files have them): let go now, they live too short to be copied by young collections, and
     * a later read takes them from the file.
     */
    public void forgetLinesUpTo(long seq) {
        recent.forgetUpTo(seq);
    }

    /** The entry at {@code seq}, or null when the log does not hold it durably. */
    public LogEntry entry(long seq) {
        List<LogEntry> one = seq <= 0 ? List.of() : entries(seq - 1, seq);
        return one.isEmpty() ? null : one.get(0);
    }

    /** The request id of the entry at {@code seq}, durable or not yet; null when the log does not reach it. */
    public String idAt(long seq) {
        if (seq <= 0 || seq > lastSeq) {
            return null;
        }
        if (recentEntries.holds(seq)) {
            return recentEntries.get(seq).id();
        }
        if (seq > durableSeq && !recent.holds(seq)) {
            // appended in this group, which outgrew the lines kept in memory: let the OS have
            // the group's lines now (durability still waits for flush) so they can be read back
            try {
                file.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        List<byte[]> line = read(seq - 1, 1, Integer.MAX_VALUE, lastSeq);
        LogEntry entry = line.isEmpty() ? null : parse(line.get(0));
        return entry == null ? null : entry.id();
    }

    /** The term of the entry at {@code seq} (0 for seq 0, -1 when the log does not reach it). */
    public long termAt(long seq) {
        if (seq == 0) {
            return 0;
        }
        if (seq > lastSeq) {
            return -1;
        }
        Map.Entry<Long, Long> start = termStarts.floorEntry(seq);
        return start == null ? -1 : start.getValue();
    }

    /** The first seq of the last entry's term (0 when the log is empty). */
    public long lastTermStart() {
        return termStarts.isEmpty() ? 0 : termStarts.lastKey();
    }

    /** Whether the log holds any entry of {@code term}. */
    public boolean holdsTerm(long term) {
        return termStarts.containsValue(term);
    }

    /** The last seq whose term is at most {@code term}: how far a log ending in {@code term} can agree with this one. */
    public long lastSeqOfTermAtMost(long term) {
        for (Map.Entry<Long, Long> start : termStarts.entrySet()) {
            if (start.getValue() > term) {
                return start.getKey() - 1;
            }
        }
        return lastSeq;
    }

    /** Drops every entry after {@code seq} (a divergent tail from a deposed coordinator). */
    public void truncateAfter(long seq) throws IOException {
        if (seq >= lastSeq) {
            return;
        }
        file.flush();
        long dropped = lastSeq - seq;
        cut(seq);
        LOG.warn("dropped {} entries after seq {} that the coordinator does not have", dropped, seq);
    }

    /**
     * The first seq found damaged since the log was last cut, or 0. Nothing from it on is handed
     * out; the owner calls {@link #cutDamaged()} and fetches the rest again.
     */
    public long damagedSeq() {
        return damagedSeq;
    }

    /** What was last found damaged (on open or on a read), or null: kept after the repair, for health. */
    public String lastDamage() {
        return lastDamage;
    }

    /** Cuts the log just before its first damaged line; returns how many entries were dropped. */
    public long cutDamaged() throws IOException {
        if (damagedSeq == 0) {
            return 0;
        }
        long keep = damagedSeq - 1;
        if (keep >= lastSeq) {
            damagedSeq = 0;
            return 0;
        }
        long dropped = lastSeq - keep;
        cut(keep);
        LOG.error("{}: cut after seq {} because of a damaged line; dropped {} entries, to be fetched again",
                FILE, keep, dropped);
        return dropped;
    }

    /** Every entry of the log, in order (after a truncation, to rebuild what was derived from it). */
    public void forEach(Consumer<LogEntry> entries) {
        long[] seq = {0};
        try {
            file.flush();
            file.readFrom(0, (line, offset) -> {
                seq[0]++;
                LogEntry entry = acceptable(line, seq[0]) ? parse(line) : null;
                if (entry == null) {
                    damaged(seq[0], "line of seq " + seq[0] + " at byte " + offset + " failed its check on a full read");
                    return false;
                }
                entries.accept(entry);
                return true;
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public long lastSeq() {
        return lastSeq;
    }

    public long lastTerm() {
        return lastTerm;
    }

    /** The last seq handed to the OS (per fsync policy, also to disk). */
    public long durableSeq() {
        return durableSeq;
    }

    @Override
    public void close() throws IOException {
        file.close();
    }

    public static LogEntry parse(byte[] line) {
        try {
            LogEntry entry = LogEntryJson.read(line);
            return entry != null && entry.isComplete() ? entry : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The seq of a line, read from its fixed prefix without parsing the rest. */
    public static long seqOf(byte[] line) {
        if (line.length <= SEQ_PREFIX.length
                || !Arrays.equals(line, 0, SEQ_PREFIX.length, SEQ_PREFIX, 0, SEQ_PREFIX.length)) {
            return -1;
        }
        long seq = 0;
        for (int i = SEQ_PREFIX.length; i < line.length && line[i] >= '0' && line[i] <= '9'; i++) {
            seq = seq * 10 + (line[i] - '0');
        }
        return seq;
    }

    /** The entry's line, sealed with its checksum. */
    public static byte[] encode(LogEntry entry) {
        return LogEntryJson.writeSealed(entry);
    }

    /**
     * Whether {@code line} may be the entry at {@code seq}: sealed with a matching checksum, or
     * unsealed within the unsealed lines the log starts with; and it says it is {@code seq}.
     */
    private boolean acceptable(byte[] line, long seq) {
        Checksum.Verdict verdict = Checksum.LINE.check(line);
        boolean legacy = verdict == Checksum.Verdict.UNSEALED
                && (seq <= legacyEnd || seq == lastSeq + 1 && lastSeq == legacyEnd);
        return (verdict == Checksum.Verdict.INTACT || legacy) && seqOf(line) == seq;
    }

    /** Extends the unsealed prefix while the log holds nothing else (checked only until a sealed line comes). */
    private void noteLegacy(byte[] line, long seq) {
        if (seq == legacyEnd + 1 && Checksum.LINE.check(line) == Checksum.Verdict.UNSEALED) {
            legacyEnd = seq;
        }
    }

    private void damaged(long seq, String what) {
        if (damagedSeq == 0 || seq < damagedSeq) {
            damagedSeq = seq;
            lastDamage = what;
            LOG.error("{}: {}; not handed out, the log will be cut there and fetched again", FILE, what);
        }
    }

    /** Drops every entry after {@code keep}: the file is cut where the line after it starts. */
    private void cut(long keep) throws IOException {
        file.truncate(lineStart(keep + 1));
        recent.truncateAfter(keep);
        recentEntries.truncateAfter(keep);
        termStarts.tailMap(keep, false).clear();
        lastSeq = keep;
        durableSeq = keep;
        lastTerm = termAt(keep) < 0 ? 0 : termAt(keep);
        legacyEnd = Math.min(legacyEnd, keep);
        if (damagedSeq > keep) {
            damagedSeq = 0;
        }
    }

    /** Where the line of {@code seq} starts, counting lines from the nearest indexed one. */
    private long lineStart(long seq) throws IOException {
        int slot = (int) ((seq - 1) / INDEX_EVERY);
        long[] current = {slot * (long) INDEX_EVERY};
        long[] start = {file.position()};
        file.readFrom(offsets[slot], (line, offset) -> {
            current[0]++;
            if (current[0] == seq) {
                start[0] = offset;
                return false;
            }
            return true;
        });
        return start[0];
    }

    private void remember(LogEntry entry, byte[] line, long offset) {
        lastSeq = entry.seq();
        if (entry.term() != lastTerm || termStarts.isEmpty()) {
            termStarts.put(entry.seq(), entry.term());
        }
        lastTerm = entry.term();
        if ((entry.seq() - 1) % INDEX_EVERY == 0) {
            int slot = (int) ((entry.seq() - 1) / INDEX_EVERY);
            if (slot >= offsets.length) {
                offsets = Arrays.copyOf(offsets, offsets.length * 2);
            }
            offsets[slot] = offset;
        }
        recent.add(entry.seq(), line);
        recentEntries.add(entry.seq(), entry);
    }
}
