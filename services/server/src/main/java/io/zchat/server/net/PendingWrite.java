package io.zchat.server.net;

import io.zchat.server.log.LogEntry;
import io.zchat.shared.wire.Frame;
import io.zchat.shared.wire.Requests;
import io.zchat.shared.wire.Service;

import java.util.List;

/** A client write this server answers once it is ordered (and applied here). */
final class PendingWrite {
    final List<byte[]> route;
    final String service;
    final Service write;
    final Requests.Write body;
    final Frame request;
    final String id;
    final long receivedNanos;
    /** When it goes to the coordinator again if no answer has come. */
    long resendAt;
    long seq;
    Object reply;
    /** The entry to publish once answered: known when ordered here, looked up in the log when forwarded. */
    LogEntry publish;
    boolean created;
    /** The term of the entry, when the coordinator answered before the commit (0: answered at the commit). */
    long term;

    PendingWrite(List<byte[]> route, String service, Service write, Requests.Write body, Frame request,
                 String id, long receivedNanos) {
        this.route = route;
        this.service = service;
        this.write = write;
        this.body = body;
        this.request = request;
        this.id = id;
        this.receivedNanos = receivedNanos;
    }
}
