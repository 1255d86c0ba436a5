package io.zchat.shared.zmq.curve;

import io.zchat.shared.zmq.Multipart;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.ZMQ;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ZAP handler (ZeroMQ RFC 27) of one context: a REP socket on {@link #ENDPOINT}, to which
 * ZeroMQ's I/O threads send each CURVE handshake's client key before they let the peer in.
 * It is read by the thread that owns it (the loop of that context), like every other socket.
 * It must be bound before any CURVE server socket of the context binds: with no handler there,
 * ZeroMQ admits every key.
 */
public final class ZapHandler {
    public static final String ENDPOINT = "inproc://zeromq.zap.01";
    private static final Logger LOG = LoggerFactory.getLogger(ZapHandler.class);
    private static final String VERSION = "1.0";
    /** Denied peers retry every reconnect interval; each distinct key is logged once, up to this many. */
    private static final int REPORTED_KEYS = 256;

    private final ZMQ.Socket socket;
    private final AllowList allowList;
    private final AtomicLong denied = new AtomicLong();
    private final Set<String> reported = new HashSet<>();

    public ZapHandler(ZMQ.Socket socket, AllowList allowList) {
        this.socket = socket;
        this.allowList = allowList;
    }

    public ZMQ.Socket socket() {
        return socket;
    }

    /** Handshakes refused so far (read from any thread, for metrics). */
    public long denied() {
        return denied.get();
    }

    /** Answers every request waiting on the socket; call on its owning thread when it is readable. */
    public void answerWaiting() {
        List<byte[]> frames;
        while ((frames = Multipart.receive(socket)) != null) {
            answer(frames);
        }
    }

    /** Request: version, request id, domain, address, identity, mechanism, credentials. */
    private void answer(List<byte[]> frames) {
        if (frames.size() < 6) {
            reply(frames.size() > 1 ? frames.get(1) : new byte[0], AllowList.Verdict.refused("malformed ZAP request"),
                    "?", "?", null);
            return;
        }
        String version = text(frames.get(0));
        String domain = text(frames.get(2));
        String address = text(frames.get(3));
        String mechanism = text(frames.get(5));
        byte[] key = frames.size() > 6 ? frames.get(6) : null;
        AllowList.Verdict verdict = VERSION.equals(version) ? allowList.check(domain, mechanism, key)
                : AllowList.Verdict.refused("ZAP version " + version);
        reply(frames.get(1), verdict, domain, address, key);
    }

    /** Reply: version, request id, status code, status text, user id (the client key), metadata. */
    private void reply(byte[] requestId, AllowList.Verdict verdict, String domain, String address, byte[] key) {
        if (!verdict.admitted()) {
            denied.incrementAndGet();
            report(verdict, domain, address, key);
        }
        String userId = verdict.admitted() ? CurveKeys.encode(key) : "";
        socket.sendMore(VERSION);
        socket.sendMore(requestId);
        socket.sendMore(verdict.admitted() ? "200" : "400");
        socket.sendMore(verdict.admitted() ? "OK" : verdict.reason());
        socket.sendMore(userId);
        socket.send(new byte[0]);
    }

    private void report(AllowList.Verdict verdict, String domain, String address, byte[] key) {
        String who = key != null && key.length == ZMQ.Curve.KEY_SIZE ? CurveKeys.encode(key) : "(no key)";
        if (reported.size() >= REPORTED_KEYS) {
            reported.clear();
        }
        if (reported.add(domain + " " + who)) {
            LOG.warn("refused a CURVE peer at {} with key {} on {}: {} (further refusals of this key are only counted)",
                    address, who, domain, verdict.reason());
        } else {
            LOG.debug("refused a CURVE peer at {} with key {} on {}: {}", address, who, domain, verdict.reason());
        }
    }

    private static String text(byte[] frame) {
        return new String(frame, StandardCharsets.UTF_8);
    }
}
