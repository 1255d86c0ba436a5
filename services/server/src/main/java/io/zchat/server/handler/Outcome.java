package io.zchat.server.handler;

import io.zchat.server.store.StoredEntry;

/**
 * What handling one request produced: the reply (sent once the request's group is committed)
 * and, for an accepted post or direct message, the entry to publish.
 */
public record Outcome(String service, Object reply, StoredEntry entry) {
    public static Outcome reply(String service, Object reply) {
        return new Outcome(service, reply, null);
    }

    public boolean isWrite() {
        return entry != null;
    }
}
