package io.zchat.server.handler;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zchat.shared.wire.Service;

/**
 * What handling one client request produced: a reply to send now, or a write that must be ordered
 * in the replicated log first ({@code write} = the service and the request's data map).
 */
public record Outcome(String service, Object reply, Service write, ObjectNode request) {
    public static Outcome reply(String service, Object reply) {
        return new Outcome(service, reply, null, null);
    }

    public static Outcome write(String service, Service write, ObjectNode request) {
        return new Outcome(service, null, write, request);
    }

    public boolean needsOrdering() {
        return write != null;
    }
}
