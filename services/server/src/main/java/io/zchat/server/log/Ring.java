package io.zchat.server.log;

/**
 * The latest items of the log by seq, in a fixed-size ring: constant-time lookup of any held seq,
 * so serving a follower costs the same whatever the size of the log.
 */
final class Ring<T> {
    private final Object[] items;
    private long newest;
    private int count;

    Ring(int capacity) {
        this.items = new Object[Math.max(1, capacity)];
    }

    /** Adds the item of {@code seq}, the one after the newest held. */
    void add(long seq, T item) {
        items[slot(seq)] = item;
        newest = seq;
        count = Math.min(count + 1, items.length);
    }

    /** The oldest seq held (newest + 1 when empty). */
    long oldest() {
        return newest - count + 1;
    }

    boolean holds(long seq) {
        return count > 0 && seq >= oldest() && seq <= newest;
    }

    @SuppressWarnings("unchecked")
    T get(long seq) {
        return (T) items[slot(seq)];
    }

    /** Forgets every item up to {@code seq}, so that they can be collected; the newer ones stay. */
    void forgetUpTo(long seq) {
        long upTo = Math.min(seq, newest);
        for (long s = oldest(); s <= upTo; s++) {
            items[slot(s)] = null;
            count--;
        }
    }

    /** Forgets every item after {@code seq}. */
    void truncateAfter(long seq) {
        if (seq < newest) {
            count = (int) Math.max(0, count - (newest - seq));
            for (long s = seq + 1; s <= newest && s - seq <= items.length; s++) {
                items[slot(s)] = null;
            }
            newest = seq;
        }
    }

    private int slot(long seq) {
        return (int) Math.floorMod(seq, (long) items.length);
    }
}
