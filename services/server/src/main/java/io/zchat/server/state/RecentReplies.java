package io.zchat.server.state;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Replies to the most recent write request ids, so that a retried write is answered as before
 * and not applied again. Bounded: the oldest ids are forgotten first.
 */
public final class RecentReplies {
    private final Map<String, Object> replies;

    public RecentReplies(int capacity) {
        this.replies = new LinkedHashMap<>(1024, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Object> eldest) {
                return size() > capacity;
            }
        };
    }

    public Optional<Object> replyTo(String id) {
        return id == null ? Optional.empty() : Optional.ofNullable(replies.get(id));
    }

    public void remember(String id, Object reply) {
        if (id != null && !id.isEmpty()) {
            replies.put(id, reply);
        }
    }

    public int size() {
        return replies.size();
    }
}
