package io.zchat.shared.client;

import io.zchat.shared.clock.Clocks;
import io.zchat.shared.log.MessageLog;
import io.zchat.shared.wire.Envelope;
import io.zchat.shared.wire.Stamp;
import io.zchat.shared.wire.WireCodec;
import io.zchat.shared.wire.WireFormatException;
import io.zchat.shared.zmq.InputPoller;
import io.zchat.shared.zmq.ZmqSettings;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.time.Duration;

/**
 * A REQ socket to one endpoint with the Lazy Pirate pattern: wait for the reply with a timeout;
 * on timeout discard the socket (a REQ socket that missed a reply is stuck), open a new one and
 * send again, a bounded number of times. Sending is bounded by the same timeout: a REQ socket
 * whose every connection attempt fails its handshake (e.g. a CURVE key the server refuses) has
 * nowhere to queue a message, and a plain send would wait for ever. Stamps and logs what it sends
 * and receives. Used by one thread only.
 */
public final class LazyPirate implements AutoCloseable {
    private final ZContext context;
    private final String endpoint;
    private final String peer;
    private final WireCodec codec;
    private final Clocks clocks;
    private final MessageLog messageLog;
    private final ZmqSettings zmq;
    private ZMQ.Socket socket;
    private InputPoller poller;
    private RetryListener retryListener = RetryListener.NONE;

    public LazyPirate(ZContext context, String endpoint, String peer, WireCodec codec, Clocks clocks,
                      MessageLog messageLog, ZmqSettings zmq) {
        this.context = context;
        this.endpoint = endpoint;
        this.peer = peer;
        this.codec = codec;
        this.clocks = clocks;
        this.messageLog = messageLog;
        this.zmq = zmq;
        open();
    }

    /** Sends the same body (and so the same request id) on every attempt; fails after {@code retries} more. */
    public Envelope request(String service, Object body, Duration timeout, int retries) {
        int attempts = retries + 1;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            Stamp stamp = clocks.stamp();
            byte[] request = codec.encode(service, body, stamp);
            if (request.length > zmq.maxMessageSize().toBytes()) {
                // the receiving end would drop it and the connection: say so now instead of timing out
                throw new RequestFailedException(service + ": request of " + request.length + " bytes is over the "
                        + zmq.maxMessageSize().toBytes() + "-byte limit (chat.zmq.max-message-size); not sent");
            }
            byte[] answer = null;
            if (send(request, timeout)) {
                messageLog.sent(peer, service, body, stamp);
                answer = awaitReply(timeout);
            }
            if (answer == null && attempt < attempts) {
                retryListener.retrying(service, attempt + 1, attempts);
            }
            if (answer != null) {
                try {
                    Envelope reply = codec.decode(answer);
                    clocks.received(reply.stamp());
                    messageLog.received(peer, reply);
                    return reply;
                } catch (WireFormatException e) {
                    throw new RequestFailedException(service + ": unreadable reply from " + endpoint + ": "
                            + e.getMessage(), e);
                }
            }
        }
        throw new RequestFailedException(service + ": no reply from " + endpoint + " after " + attempts
                + " attempt(s) of " + timeout.toMillis() + " ms");
    }

    /** One raw frame, one attempt: for tools and tests that send what the contract does not. */
    public byte[] requestRaw(byte[] frame, Duration timeout) {
        byte[] reply = send(frame, timeout) ? awaitReply(timeout) : null;
        if (reply == null) {
            throw new RequestFailedException("no reply to a raw frame from " + endpoint);
        }
        return reply;
    }

    /** Told before each retry, on the calling thread. */
    public void onRetry(RetryListener listener) {
        this.retryListener = listener == null ? RetryListener.NONE : listener;
    }

    public String endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        poller.close();
        context.destroySocket(socket);
    }

    /** False when no connection took the message in time; the socket is then reopened. */
    private boolean send(byte[] frame, Duration timeout) {
        socket.setSendTimeOut((int) timeout.toMillis());
        if (socket.send(frame)) {
            return true;
        }
        close();
        open();
        return false;
    }

    private byte[] awaitReply(Duration timeout) {
        if (poller.poll(timeout.toMillis()) > 0 && poller.readable(0)) {
            return socket.recv();
        }
        close();
        open();
        return null;
    }

    private void open() {
        socket = zmq.configure(context.createSocket(SocketType.REQ));
        socket.connect(endpoint);
        poller = new InputPoller(context);
        poller.register(socket);
    }
}
