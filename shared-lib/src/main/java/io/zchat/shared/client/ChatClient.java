package io.zchat.shared.client;

import io.zchat.shared.clock.Clocks;
import io.zchat.shared.log.MessageLog;
import io.zchat.shared.wire.Envelope;
import io.zchat.shared.wire.Replies;
import io.zchat.shared.wire.Requests;
import io.zchat.shared.wire.Service;
import io.zchat.shared.wire.WireCodec;
import io.zchat.shared.wire.WireFormatException;
import io.zchat.shared.zmq.ZmqSettings;
import org.zeromq.ZContext;

import java.util.List;
import java.util.UUID;

/**
 * Request/reply side of the client library: a REQ socket to the broker with the Lazy Pirate
 * pattern (on timeout, discard and reopen the socket, then send again). Every write carries an
 * {@code id} that its retries reuse, so a server applies it once. Not thread-safe: one caller
 * thread owns a client.
 */
public final class ChatClient implements AutoCloseable {
    private final ZContext context = new ZContext();
    private final WireCodec codec;
    private final ClientSettings settings;
    private final LazyPirate pirate;

    public ChatClient(String brokerEndpoint, WireCodec codec, Clocks clocks, MessageLog messageLog,
                      ClientSettings settings, ZmqSettings zmq) {
        this.codec = codec;
        this.settings = settings;
        context.setLinger(0);
        this.pirate = new LazyPirate(context, brokerEndpoint, null, codec, clocks, messageLog, zmq);
    }

    /** Told before each retry of a request that got no reply in time (on the caller's thread). */
    public void onRetry(RetryListener listener) {
        pirate.onRetry(listener);
    }

    public Replies.Status login(String user) {
        return call(Service.LOGIN, new Requests.Login(user, newId()), Replies.Status.class);
    }

    public List<String> users() {
        return call(Service.USERS, new Requests.Empty(), Replies.Users.class).users();
    }

    public Replies.Status createChannel(String channel) {
        return call(Service.CHANNEL, new Requests.Channel(channel, newId()), Replies.Status.class);
    }

    public List<String> channels() {
        return call(Service.CHANNELS, new Requests.Empty(), Replies.Channels.class).channels();
    }

    public Replies.Ack publish(String user, String channel, String message) {
        return call(Service.PUBLISH, new Requests.Publish(user, channel, message, newId()), Replies.Ack.class);
    }

    public Replies.Ack message(String src, String dst, String message) {
        return call(Service.MESSAGE, new Requests.Message(src, dst, message, newId()), Replies.Ack.class);
    }

    public Replies.History channelHistory(String channel, Integer limit, Long since) {
        return call(Service.HISTORY, new Requests.History(channel, null, limit, since), Replies.History.class);
    }

    public Replies.History userHistory(String user, Integer limit, Long since) {
        return call(Service.HISTORY, new Requests.History(null, user, limit, since), Replies.History.class);
    }

    public <T> T call(Service service, Object body, Class<T> replyType) {
        Envelope reply = request(service.wireName(), body);
        try {
            return codec.body(reply, replyType);
        } catch (WireFormatException e) {
            throw new RequestFailedException(service.wireName() + ": unreadable reply: " + e.getMessage(), e);
        }
    }

    /** Sends one request and waits for its reply, retrying on timeout; the same body (and id) each time. */
    public Envelope request(String service, Object body) {
        return pirate.request(service, body, settings.timeout(), settings.retries());
    }

    /** A raw frame, for tests and tools that send what the typed API cannot. */
    public byte[] requestRaw(byte[] frame) {
        return pirate.requestRaw(frame, settings.timeout());
    }

    public static String newId() {
        return UUID.randomUUID().toString();
    }

    @Override
    public void close() {
        pirate.close();
        context.close();
    }
}
