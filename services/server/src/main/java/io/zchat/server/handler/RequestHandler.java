package io.zchat.server.handler;

import io.zchat.server.state.ChatState;
import io.zchat.server.store.ChatStore;
import io.zchat.shared.clock.Clocks;
import io.zchat.shared.log.MessageLog;
import io.zchat.shared.wire.Envelope;
import io.zchat.shared.wire.Replies;
import io.zchat.shared.wire.Requests;
import io.zchat.shared.wire.Service;
import io.zchat.shared.wire.WireCodec;
import io.zchat.shared.wire.WireFormatException;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.util.Optional;

/**
 * Turns one client request into its outcome: decode, absorb the Lamport clock, check for a
 * retried id, apply to the state and stage what must be stored. Nothing leaves the server until
 * {@link #commit()} has made the staged writes durable. Used by the server loop thread only.
 */
@Component
public class RequestHandler {
    private static final String CLIENT = "client";

    private final WireCodec codec;
    private final Clocks clocks;
    private final MessageLog messageLog;
    private final ChatState state;
    private final ChatStore store;

    public RequestHandler(WireCodec codec, Clocks clocks, MessageLog messageLog, ChatState state, ChatStore store) {
        this.codec = codec;
        this.clocks = clocks;
        this.messageLog = messageLog;
        this.state = state;
        this.store = store;
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
            Service s = service.get();
            Object reply = s == Service.PUBLISH || s == Service.MESSAGE
                    ? Replies.Ack.error(e.getMessage()) : Replies.Status.error(e.getMessage());
            return Outcome.reply(request.service(), reply);
        }
    }

    /** Makes this group's staged writes durable; replies may go out once it returns. */
    public void commit() throws IOException {
        state.takeRegistryChange().ifPresent(store::stageRegistry);
        store.commit();
    }

    private Outcome dispatch(Service service, Envelope request) throws WireFormatException {
        String name = request.service();
        switch (service) {
            case LOGIN -> {
                Requests.Login login = codec.body(request, Requests.Login.class);
                return Outcome.reply(name, state.replyTo(login.id())
                        .orElseGet(() -> state.login(login.user(), login.id(), clocks.physical().now())));
            }
            case CHANNEL -> {
                Requests.Channel channel = codec.body(request, Requests.Channel.class);
                return Outcome.reply(name, state.replyTo(channel.id())
                        .orElseGet(() -> state.createChannel(channel.channel(), channel.id())));
            }
            case PUBLISH -> {
                Requests.Publish publish = codec.body(request, Requests.Publish.class);
                return write(name, publish.id(), () -> state.post(publish, clocks::stamp));
            }
            case MESSAGE -> {
                Requests.Message message = codec.body(request, Requests.Message.class);
                return write(name, message.id(), () -> state.direct(message, clocks::stamp));
            }
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
    }

    private Outcome write(String service, String id, java.util.function.Supplier<ChatState.Write> apply) {
        Optional<Object> earlier = state.replyTo(id);
        if (earlier.isPresent()) {
            return Outcome.reply(service, earlier.get());
        }
        ChatState.Write write = apply.get();
        if (write.accepted()) {
            store.append(write.entry());
        }
        return new Outcome(service, write.reply(), write.entry());
    }
}
