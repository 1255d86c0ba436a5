package io.zchat.server.handler;

import io.zchat.shared.wire.Frame;
import io.zchat.shared.wire.Requests;
import io.zchat.shared.wire.Service;

/**
 * What handling one client request produced: a reply to send now, or a write that must be ordered
 * in the replicated log first ({@code write} = its service, {@code body} = its request record,
 * {@code request} = the frame it came in, whose data map a follower forwards as it came).
 */
public record Outcome(String service, Object reply, Service write, Requests.Write body, Frame request) {
    public static Outcome reply(String service, Object reply) {
        return new Outcome(service, reply, null, null, null);
    }

    public static Outcome write(String service, Service write, Requests.Write body, Frame request) {
        return new Outcome(service, null, write, body, request);
    }

    public boolean needsOrdering() {
        return write != null;
    }
}
