package io.zchat.shared.client;

import io.zchat.shared.clock.Clocks;
import io.zchat.shared.log.MessageLog;
import io.zchat.shared.wire.Envelope;
import io.zchat.shared.wire.Replies;
import io.zchat.shared.wire.Requests;
import io.zchat.shared.wire.Service;
import io.zchat.shared.wire.Stamp;
import io.zchat.shared.wire.WireCodec;
import io.zchat.shared.wire.WireFormatException;
import io.zchat.shared.zmq.ZmqSettings;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

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
    private final String endpoint;
    private final WireCodec codec;
    private final Clocks clocks;
    private final MessageLog messageLog;
    private final ClientSettings settings;
    private final ZmqSettings zmq;
    private ZMQ.Socket socket;
    private ZMQ.Poller poller;

    public ChatClient(String brokerEndpoint, WireCodec codec, Clocks clocks, MessageLog messageLog,
                      ClientSettings settings, ZmqSettings zmq) {
        this.endpoint = brokerEndpoint;
        this.codec = codec;
        this.clocks = clocks;
        this.messageLog = messageLog;
        this.settings = settings;
        this.zmq = zmq;
        context.setLinger(0);
        open();
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
        int attempts = settings.retries() + 1;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            Stamp stamp = clocks.stamp();
            socket.send(codec.encode(service, body, stamp));
            messageLog.sent(null, service, body, stamp);
            if (poller.poll(settings.timeout().toMillis()) > 0 && poller.pollin(0)) {
                byte[] frame = socket.recv();
                try {
                    Envelope reply = codec.decode(frame);
                    clocks.received(reply.stamp());
                    messageLog.received(null, reply);
                    return reply;
                } catch (WireFormatException e) {
                    throw new RequestFailedException(service + ": unreadable reply: " + e.getMessage(), e);
                }
            }
            reopen();
        }
        throw new RequestFailedException(service + ": no reply from " + endpoint + " after " + attempts
                + " attempts of " + settings.timeout().toMillis() + " ms");
    }

    /** A raw frame, for tests and tools that send what the typed API cannot. */
    public byte[] requestRaw(byte[] frame) {
        socket.send(frame);
        if (poller.poll(settings.timeout().toMillis()) > 0 && poller.pollin(0)) {
            return socket.recv();
        }
        reopen();
        throw new RequestFailedException("no reply to raw frame from " + endpoint);
    }

    public static String newId() {
        return UUID.randomUUID().toString();
    }

    @Override
    public void close() {
        poller.close();
        context.destroySocket(socket);
        context.close();
    }

    private void open() {
        socket = context.createSocket(SocketType.REQ);
        socket.setLinger(0);
        socket.setMaxMsgSize(zmq.maxMessageSize().toBytes());
        socket.connect(endpoint);
        poller = context.createPoller(1);
        poller.register(socket, ZMQ.Poller.POLLIN);
    }

    private void reopen() {
        poller.close();
        context.destroySocket(socket);
        open();
    }
}
