package io.zchat.server.handler;

import io.zchat.server.state.ChatState;
import io.zchat.shared.clock.Clocks;
import io.zchat.shared.log.MessageLog;
import io.zchat.shared.wire.Frame;
import io.zchat.shared.wire.Replies;
import io.zchat.shared.wire.Requests;
import io.zchat.shared.wire.Service;
import io.zchat.shared.wire.WireCodec;
import io.zchat.shared.wire.WireFormatException;
import org.springframework.stereotype.Component;

import java.util.Optional;

/**
 * Turns one client request into its outcome: decode, absorb the Lamport clock, answer reads from
 * this server's state, and check the shape of writes, which then go to the coordinator for
 * ordering. Used by the server loop thread only.
 */
@Component
public class RequestHandler {
    private static final String CLIENT = "client";

    private final WireCodec codec;
    private final Clocks clocks;
    private final MessageLog messageLog;
    private final ChatState state;

    public RequestHandler(WireCodec codec, Clocks clocks, MessageLog messageLog, ChatState state) {
        this.codec = codec;
        this.clocks = clocks;
        this.messageLog = messageLog;
        this.state = state;
    }

    public Outcome handle(byte[] frame) {
        Frame request;
        try {
            request = codec.read(frame);
        } catch (WireFormatException e) {
            messageLog.receivedInvalid(CLIENT, frame == null ? 0 : frame.length, e.getMessage());
            return Outcome.reply(Service.ERROR.wireName(), Replies.Status.error(e.getMessage()));
        }
        clocks.received(request.stamp());
        if (messageLog.enabled()) {
            logReceived(frame);
        }
        Optional<Service> service = Service.of(request.service());
        if (service.isEmpty()) {
            return Outcome.reply(request.service(),
                    Replies.Status.error("unknown service '" + request.service() + "'"));
        }
        try {
            return dispatch(service.get(), request);
        } catch (WireFormatException e) {
            return Outcome.reply(request.service(), WriteErrors.reply(service.get(), e.getMessage()));
        }
    }

    private Outcome dispatch(Service service, Frame request) throws WireFormatException {
        String name = request.service();
        return switch (service) {
            case LOGIN -> Outcome.write(name, service, codec.body(request, Requests.Login.class), request);
            case CHANNEL -> Outcome.write(name, service, codec.body(request, Requests.Channel.class), request);
            case PUBLISH -> Outcome.write(name, service, codec.body(request, Requests.Publish.class), request);
            case MESSAGE -> Outcome.write(name, service, codec.body(request, Requests.Message.class), request);
            case USERS -> Outcome.reply(name, new Replies.Users(state.users()));
            case CHANNELS -> Outcome.reply(name, new Replies.Channels(state.channels()));
            case HISTORY -> Outcome.reply(name, state.history(codec.body(request, Requests.History.class)));
            default -> Outcome.reply(name, Replies.Status.error("service '" + name + "' is not offered to clients"));
        };
    }

    /** The message log shows the whole data map, so it decodes the frame again (only when it is on). */
    private void logReceived(byte[] frame) {
        try {
            messageLog.received(CLIENT, codec.decode(frame));
        } catch (WireFormatException e) {
            messageLog.receivedInvalid(CLIENT, frame.length, e.getMessage());
        }
    }
}
