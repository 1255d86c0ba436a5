package io.zchat.server.state;

import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongFunction;

/**
 * The log position of the most recent write request ids, so that a retried write is answered as
 * before and not ordered again. Each id is kept only as a 64-bit hash and its seq, in two
 * generations of fixed arrays: no objects per id, so a busy server does not fill its old heap
 * with them. A hash match is confirmed against the id the log holds at that seq, so a collision
 * can never turn a new write into a "retry". Remembers at least the last {@code capacity / 2} ids
 * and at most {@code capacity}; the older generation is dropped whole when the newer fills.
 */
public final class RecentIds {
    private final LongFunction<String> idAt;
    private final int perGeneration;
    /** Per process, so that nobody can pick ids that pile up in one chain. */
    private final long seed = ThreadLocalRandom.current().nextLong();
    private Generation current;
    private Generation previous;

    /** @param idAt the id of the log entry at a seq (null when there is none) */
    public RecentIds(int capacity, LongFunction<String> idAt) {
        this.idAt = idAt;
        this.perGeneration = Math.max(1, capacity / 2);
        this.current = new Generation(perGeneration);
        this.previous = new Generation(perGeneration);
    }

    public Optional<Long> seqOf(String id) {
        if (id == null || id.isEmpty()) {
            return Optional.empty();
        }
        long hash = hash(id);
        long seq = current.find(hash, id, idAt);
        if (seq == 0) {
            seq = previous.find(hash, id, idAt);
        }
        return seq == 0 ? Optional.empty() : Optional.of(seq);
    }

    public void remember(String id, long seq) {
        if (id == null || id.isEmpty() || seq <= 0) {
            return;
        }
        if (current.size == perGeneration) {
            Generation recycled = previous;
            recycled.clear();
            previous = current;
            current = recycled;
        }
        current.put(hash(id), seq);
    }

    /** Ids remembered now. */
    public int size() {
        return current.size + previous.size;
    }

    private long hash(String id) {
        long h = seed ^ id.length();
        for (int i = 0; i < id.length(); i++) {
            h = (h ^ id.charAt(i)) * 0x9E3779B97F4A7C15L;
            h ^= h >>> 32;
        }
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        return h;
    }

    /** An open-addressing table of (hash, seq) at most half full; seq 0 marks a free slot. */
    private static final class Generation {
        private final long[] hashes;
        private final long[] seqs;
        private final int mask;
        private int size;

        Generation(int entries) {
            int slots = Integer.highestOneBit(Math.max(2, entries) * 2 - 1) << 1;
            hashes = new long[slots];
            seqs = new long[slots];
            mask = slots - 1;
        }

        long find(long hash, String id, LongFunction<String> idAt) {
            for (int i = (int) hash & mask; seqs[i] != 0; i = (i + 1) & mask) {
                if (hashes[i] == hash && id.equals(idAt.apply(seqs[i]))) {
                    return seqs[i];
                }
            }
            return 0;
        }

        void put(long hash, long seq) {
            int i = (int) hash & mask;
            while (seqs[i] != 0) {
                i = (i + 1) & mask;
            }
            hashes[i] = hash;
            seqs[i] = seq;
            size++;
        }

        void clear() {
            Arrays.fill(seqs, 0);
            size = 0;
        }
    }
}
