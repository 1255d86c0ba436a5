package io.zchat.server.state;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The log position of the most recent write request ids, so that a retried write is answered as
 * before and not ordered again. Bounded: the oldest ids are forgotten first.
 */
public final class RecentIds {
    private final Map<String, Long> seqs;

    public RecentIds(int capacity) {
        this.seqs = new LinkedHashMap<>(1024, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                return size() > capacity;
            }
        };
    }

    public Optional<Long> seqOf(String id) {
        return id == null ? Optional.empty() : Optional.ofNullable(seqs.get(id));
    }

    public void remember(String id, long seq) {
        if (id != null && !id.isEmpty()) {
            seqs.put(id, seq);
        }
    }

    public int size() {
        return seqs.size();
    }
}
