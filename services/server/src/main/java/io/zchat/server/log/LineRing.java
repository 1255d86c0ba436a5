package io.zchat.server.log;

/**
 * The latest log lines by seq, in a fixed-size ring: constant-time lookup of any held seq, so
 * serving a follower costs the same whatever the size of the log.
 */
final class LineRing {
    private final byte[][] lines;
    private long newest;
    private int count;

    LineRing(int capacity) {
        this.lines = new byte[Math.max(1, capacity)][];
    }

    /** Adds the line of {@code seq}, the one after the newest held. */
    void add(long seq, byte[] line) {
        lines[slot(seq)] = line;
        newest = seq;
        count = Math.min(count + 1, lines.length);
    }

    /** The oldest seq held (newest + 1 when empty). */
    long oldest() {
        return newest - count + 1;
    }

    boolean holds(long seq) {
        return count > 0 && seq >= oldest() && seq <= newest;
    }

    byte[] get(long seq) {
        return lines[slot(seq)];
    }

    /** Forgets every line after {@code seq}. */
    void truncateAfter(long seq) {
        if (seq < newest) {
            count = (int) Math.max(0, count - (newest - seq));
            for (long s = seq + 1; s <= newest && s - seq <= lines.length; s++) {
                lines[slot(s)] = null;
            }
            newest = seq;
        }
    }

    private int slot(long seq) {
        return (int) Math.floorMod(seq, (long) lines.length);
    }
}
