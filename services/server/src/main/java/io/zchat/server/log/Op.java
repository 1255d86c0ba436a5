package io.zchat.server.log;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.zchat.shared.wire.Service;

/** What an entry of the replicated log does: a client's write, or the start of a coordinator's term. */
public enum Op {
    LOGIN(Service.LOGIN),
    CHANNEL(Service.CHANNEL),
    PUBLISH(Service.PUBLISH),
    MESSAGE(Service.MESSAGE),
    /**
     * The first entry a coordinator orders in its term: nothing to apply, but once it is committed
     * so is everything before it. A coordinator counts copies only of its own term's entries (see
     * {@code CommitTracker}), so earlier entries it adopted commit through this one.
     */
    TERM(null);

    private static final String TERM_WIRE_NAME = "term";

    private final Service service;

    Op(Service service) {
        this.service = service;
    }

    /** The client service of this write; null for {@link #TERM}. */
    public Service service() {
        return service;
    }

    @JsonValue
    public String wireName() {
        return service == null ? TERM_WIRE_NAME : service.wireName();
    }

    @JsonCreator
    public static Op of(String name) {
        for (Op op : values()) {
            if (op.service == null ? TERM_WIRE_NAME.equals(name) : op.service.matches(name)) {
                return op;
            }
        }
        throw new IllegalArgumentException("not a logged op: " + name);
    }

    public static Op of(Service service) {
        for (Op op : values()) {
            if (op.service != null && op.service == service) {
                return op;
            }
        }
        throw new IllegalArgumentException("not a logged write: " + service);
    }

    /** Writes that change registry.json (the others append to publications/messages, or nothing). */
    public boolean isRegistry() {
        return this == LOGIN || this == CHANNEL;
    }
}
