package io.zchat.server.cluster;

/**
 * Which of the server loop's step-downs are about the term it leads now. The cluster loop hands
 * the server loop a term to lead; the server loop, on its own thread, steps down from the term it
 * was last handed and tells the cluster loop so, later. A notice about a term older than the one
 * handed over since is stale: the server loop stepped down from that term because the cluster
 * loop took a later one, and acting on it deposed each new term in turn (a term a second, seen
 * when three servers started at once).
 */
final class LeadHandover {
    private long handed;

    /** The server loop was told to lead {@code term}. */
    void handed(long term) {
        handed = term;
    }

    /** Whether a step-down from {@code term} is about the term the server loop was last handed. */
    boolean isCurrent(long term) {
        return term >= handed;
    }

    long handed() {
        return handed;
    }
}
