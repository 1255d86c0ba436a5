package io.zchat.server.log;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.zchat.shared.wire.Service;

/** The writes that go through the replicated log. */
public enum Op {
    LOGIN(Service.LOGIN),
    CHANNEL(Service.CHANNEL),
    PUBLISH(Service.PUBLISH),
    MESSAGE(Service.MESSAGE);

    private final Service service;

    Op(Service service) {
        this.service = service;
    }

    public Service service() {
        return service;
    }

    @JsonValue
    public String wireName() {
        return service.wireName();
    }

    @JsonCreator
    public static Op of(String name) {
        for (Op op : values()) {
            if (op.service.matches(name)) {
                return op;
            }
        }
        throw new IllegalArgumentException("not a logged write: " + name);
    }

    public static Op of(Service service) {
        for (Op op : values()) {
            if (op.service == service) {
                return op;
            }
        }
        throw new IllegalArgumentException("not a logged write: " + service);
    }

    /** Writes that change registry.json (the others append to publications/messages). */
    public boolean isRegistry() {
        return this == LOGIN || this == CHANNEL;
    }
}
