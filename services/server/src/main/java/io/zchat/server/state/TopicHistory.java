package io.zchat.server.state;

import io.zchat.server.store.StoredEntry;

import java.lang.reflect.Array;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The newest entries of one topic, oldest first, up to a count: a ring of columns (primitive
 * arrays, and names shared by every entry), each text in a fixed slot of one byte array. A busy
 * server holds thousands of entries for about a second; kept as objects, every young collection
 * in that second copied them. Here an entry adds no object, unless its text is longer than a
 * slot. The columns start small and double up to the bound, so a quiet topic costs little.
 */
final class TopicHistory {
    /** Bytes of a text slot: a chat line in UTF-8, mostly; a longer text is an array of its own. */
    static final int SLOT_BYTES = 256;
    private static final int FIRST_CAPACITY = 8;

    private final int maxEntries;
    private long[] seqs;
    private long[] clocks;
    private long[] seconds;
    private int[] nanos;
    private String[] users;
    private String[] channels;
    private String[] srcs;
    private String[] dsts;
    private int[] textLengths;
    private byte[] texts;
    private byte[][] longTexts;
    /** Slot of the oldest entry. */
    private int first;
    private int count;
    /** The highest clock among entries pushed out (Long.MIN_VALUE while none was). */
    private long droppedClock = Long.MIN_VALUE;

    TopicHistory(int maxEntries) {
        this.maxEntries = Math.max(1, maxEntries);
        allocate(Math.min(FIRST_CAPACITY, this.maxEntries));
    }

    /** Adds the newest entry; the oldest is pushed out when the topic holds its most. */
    void add(long seq, long clock, Instant timestamp, String user, String channel, String src, String dst,
             String text) {
        if (count == seqs.length) {
            if (seqs.length < maxEntries) {
                grow();
            } else {
                droppedClock = Math.max(droppedClock, clocks[first]);
                longTexts[first] = null;
                first = (first + 1) % seqs.length;
                count--;
            }
        }
        int slot = (first + count) % seqs.length;
        seqs[slot] = seq;
        clocks[slot] = clock;
        seconds[slot] = timestamp.getEpochSecond();
        nanos[slot] = timestamp.getNano();
        users[slot] = user;
        channels[slot] = channel;
        srcs[slot] = src;
        dsts[slot] = dst;
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        textLengths[slot] = utf8.length;
        if (utf8.length <= SLOT_BYTES) {
            System.arraycopy(utf8, 0, texts, slot * SLOT_BYTES, utf8.length);
            longTexts[slot] = null;
        } else {
            longTexts[slot] = utf8;
        }
        count++;
    }

    int size() {
        return count;
    }

    /** Whether an entry was ever pushed out, so that memory may not reach back far enough. */
    boolean droppedAny() {
        return droppedClock != Long.MIN_VALUE;
    }

    long droppedClock() {
        return droppedClock;
    }

    /** The clock of the {@code i}-th oldest entry held. */
    long clock(int i) {
        return clocks[slot(i)];
    }

    /** The {@code i}-th oldest entry held, without its request id (memory does not keep it). */
    StoredEntry entry(int i) {
        int slot = slot(i);
        String text = longTexts[slot] != null ? new String(longTexts[slot], StandardCharsets.UTF_8)
                : new String(texts, slot * SLOT_BYTES, textLengths[slot], StandardCharsets.UTF_8);
        return new StoredEntry(seqs[slot], null, users[slot], channels[slot], srcs[slot], dsts[slot], text,
                Instant.ofEpochSecond(seconds[slot], nanos[slot]), clocks[slot]);
    }

    private int slot(int i) {
        return (first + i) % seqs.length;
    }

    private void allocate(int capacity) {
        seqs = new long[capacity];
        clocks = new long[capacity];
        seconds = new long[capacity];
        nanos = new int[capacity];
        users = new String[capacity];
        channels = new String[capacity];
        srcs = new String[capacity];
        dsts = new String[capacity];
        textLengths = new int[capacity];
        texts = new byte[capacity * SLOT_BYTES];
        longTexts = new byte[capacity][];
    }

    /** Doubles the columns (up to the bound), the oldest entry moved to slot 0. */
    private void grow() {
        int capacity = Math.min(maxEntries, seqs.length * 2);
        seqs = unrolled(seqs, capacity, 1);
        clocks = unrolled(clocks, capacity, 1);
        seconds = unrolled(seconds, capacity, 1);
        nanos = unrolled(nanos, capacity, 1);
        users = unrolled(users, capacity, 1);
        channels = unrolled(channels, capacity, 1);
        srcs = unrolled(srcs, capacity, 1);
        dsts = unrolled(dsts, capacity, 1);
        textLengths = unrolled(textLengths, capacity, 1);
        texts = unrolled(texts, capacity, SLOT_BYTES);
        longTexts = unrolled(longTexts, capacity, 1);
        first = 0;
    }

    /** A column of {@code capacity} slots of {@code width} elements, holding this one's entries from slot 0. */
    private <T> T unrolled(T column, int capacity, int width) {
        int slots = Array.getLength(column) / width;
        @SuppressWarnings("unchecked")
        T out = (T) Array.newInstance(column.getClass().getComponentType(), capacity * width);
        int head = Math.min(count, slots - first);
        System.arraycopy(column, first * width, out, 0, head * width);
        System.arraycopy(column, 0, out, head * width, (count - head) * width);
        return out;
    }
}
