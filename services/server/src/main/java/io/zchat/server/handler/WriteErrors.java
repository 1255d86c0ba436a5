package io.zchat.server.handler;

import io.zchat.shared.wire.Replies;
import io.zchat.shared.wire.Service;

/** The error reply of a write: publish and message carry the text in {@code message}, the others in {@code description}. */
public final class WriteErrors {
    private WriteErrors() {
    }

    public static Object reply(Service service, String text) {
        return service == Service.PUBLISH || service == Service.MESSAGE
                ? Replies.Ack.error(text) : Replies.Status.error(text);
    }

    public static Object success(Service service) {
        return service == Service.PUBLISH || service == Service.MESSAGE ? Replies.Ack.ok() : Replies.Status.success();
    }
}
