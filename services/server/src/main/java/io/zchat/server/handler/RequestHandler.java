package io.zchat.server.handler;

import io.zchat.server.state.ChatState;
import io.zchat.shared.clock.Clocks;
import io.zchat.shared.log.MessageLog;
import io.zchat.shared.wire.Envelope;
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
        Envelope request;
        try {
            request = codec.decode(frame);
        } catch (WireFormatException e) {
            messageLog.receivedInvalid(CLIENT, frame == null ? 0 : frame.length, e.getMessage());
            return Outcome.reply(Service.ERROR.wireName(), Replies.Status.error(e.getMessage()));
        }
        clocks.received(request.stamp());
        messageLog.received(CLIENT, request);
        Optional<Service> service = request.knownService();
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

    private Outcome dispatch(Service service, Envelope request) throws WireFormatException {
        String name = request.service();
        switch (service) {
            case LOGIN -> codec.body(request, Requests.Login.class);
            case CHANNEL -> codec.body(request, Requests.Channel.class);
            case PUBLISH -> codec.body(request, Requests.Publish.class);
            case MESSAGE -> codec.body(request, Requests.Message.class);
            case USERS -> {
                return Outcome.reply(name, new Replies.Users(state.users()));
            }
            case CHANNELS -> {
                return Outcome.reply(name, new Replies.Channels(state.channels()));
            }
            case HISTORY -> {
                return Outcome.reply(name, state.history(codec.body(request, Requests.History.class)));
            }
            default -> {
                return Outcome.reply(name, Replies.Status.error("service '" + name + "' is not offered to clients"));
            }
        }
        return Outcome.write(name, service, request.data());
    }
}
