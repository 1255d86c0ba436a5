package io.zchat.server.net;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.zchat.server.ServerProperties;
import io.zchat.server.cluster.ClusterView;
import io.zchat.server.handler.Outcome;
import io.zchat.server.handler.RequestHandler;
import io.zchat.server.store.StoredEntry;
import io.zchat.shared.clock.Clocks;
import io.zchat.shared.config.Endpoints;
import io.zchat.shared.log.MessageLog;
import io.zchat.shared.wire.Publications;
import io.zchat.shared.wire.Replies;
import io.zchat.shared.wire.Service;
import io.zchat.shared.wire.Stamp;
import io.zchat.shared.wire.WireCodec;
import io.zchat.shared.zmq.ZmqLoop;
import io.zchat.shared.zmq.ZmqSettings;
import org.springframework.stereotype.Component;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The server's client side: a DEALER on the broker (so many requests are in flight at once, each
 * keeping its routing envelope) and a PUB on the proxy. Requests that are waiting are taken as one
 * group, applied, committed to disk together (group commit), and only then answered and published.
 */
@Component
public class ServerLoop extends ZmqLoop {
    private static final String CLIENT = "client";

    private final Endpoints.Broker broker;
    private final Endpoints.Proxy proxy;
    private final ServerProperties properties;
    private final RequestHandler handler;
    private final WireCodec codec;
    private final Clocks clocks;
    private final MessageLog messageLog;
    private final MeterRegistry registry;
    private final ClusterView cluster;
    private final Counter storageFailures;
    private final ConcurrentHashMap<String, Timer> timers = new ConcurrentHashMap<>();
    private final List<Pending> group = new ArrayList<>();
    private volatile String storageProblem;
    private ZMQ.Socket dealer;
    private ZMQ.Socket pub;

    public ServerLoop(Endpoints.Broker broker, Endpoints.Proxy proxy, ServerProperties properties, ZmqSettings zmq,
                      RequestHandler handler, WireCodec codec, Clocks clocks, MessageLog messageLog,
                      MeterRegistry registry, ClusterView cluster) {
        super("server-loop", zmq);
        this.cluster = cluster;
        this.broker = broker;
        this.proxy = proxy;
        this.properties = properties;
        this.handler = handler;
        this.codec = codec;
        this.clocks = clocks;
        this.messageLog = messageLog;
        this.registry = registry;
        this.storageFailures = Counter.builder("chat.storage.failures")
                .description("group commits that failed; their writes were refused").register(registry);
    }

    /** A request taken into the current group, waiting for the commit. */
    private record Pending(List<byte[]> route, Outcome outcome, long startedNanos) {
    }

    /** Null while storage works; otherwise why the last commit failed. */
    public String storageProblem() {
        return storageProblem;
    }

    @Override
    protected void open() {
        dealer = socket(SocketType.DEALER);
        dealer.connect(broker.backend());
        pub = socket(SocketType.PUB);
        pub.connect(proxy.xsub());
        whenReadable(dealer, this::serveGroup);
        log.info("serving requests from {} | publishing to {}", broker.backend(), proxy.xsub());
    }

    private void serveGroup() {
        int max = properties.storage().maxBatch();
        List<byte[]> frames;
        while (group.size() < max && (frames = receive()) != null) {
            group.add(take(frames));
        }
        if (group.isEmpty()) {
            return;
        }
        boolean durable = commit();
        for (Pending p : group) {
            answer(p, durable);
        }
        cluster.countClientRequests(group.size());
        group.clear();
    }

    private List<byte[]> receive() {
        byte[] first = dealer.recv(ZMQ.DONTWAIT);
        if (first == null) {
            return null;
        }
        List<byte[]> frames = new ArrayList<>(4);
        frames.add(first);
        while (dealer.hasReceiveMore()) {
            frames.add(dealer.recv());
        }
        return frames;
    }

    /** Splits routing envelope (up to the empty delimiter) from the body, then handles the body. */
    private Pending take(List<byte[]> frames) {
        long started = System.nanoTime();
        int delimiter = -1;
        for (int i = 0; i < frames.size(); i++) {
            if (frames.get(i).length == 0) {
                delimiter = i;
                break;
            }
        }
        int bodyStart = delimiter >= 0 ? delimiter + 1 : frames.size() - 1;
        List<byte[]> route = new ArrayList<>(frames.subList(0, bodyStart));
        int bodyFrames = frames.size() - bodyStart;
        Outcome outcome;
        if (bodyFrames != 1) {
            outcome = Outcome.reply(Service.ERROR.wireName(), Replies.Status.error(
                    "expected one body frame after the envelope, got " + bodyFrames));
        } else {
            outcome = handler.handle(frames.get(bodyStart));
        }
        return new Pending(route, outcome, started);
    }

    private boolean commit() {
        boolean anyWrite = group.stream().anyMatch(p -> p.outcome().isWrite());
        try {
            handler.commit();
            storageProblem = null;
            return true;
        } catch (IOException | RuntimeException e) {
            storageFailures.increment();
            storageProblem = e.getMessage();
            log.error("commit of {} request(s) failed; refusing their writes", group.size(), e);
            return !anyWrite;
        }
    }

    private void answer(Pending p, boolean durable) {
        Outcome outcome = p.outcome();
        Object reply = outcome.reply();
        if (!durable && outcome.isWrite()) {
            reply = Replies.Ack.error("the server could not store this message; try again");
        }
        Stamp stamp = clocks.stamp();
        for (byte[] frame : p.route()) {
            dealer.send(frame, ZMQ.SNDMORE);
        }
        dealer.send(codec.encode(outcome.service(), reply, stamp), 0);
        messageLog.sent(CLIENT, outcome.service(), reply, stamp);
        if (durable && outcome.isWrite()) {
            publish(outcome.entry());
        }
        timer(outcome.service(), reply).record(System.nanoTime() - p.startedNanos(), TimeUnit.NANOSECONDS);
    }

    private void publish(StoredEntry entry) {
        Stamp stamp = new Stamp(entry.timestamp(), entry.clock());
        String topic;
        String service;
        Object body;
        if (entry.isPost()) {
            topic = entry.channel();
            service = Service.PUBLISH.wireName();
            body = new Publications.Post(entry.user(), entry.channel(), entry.message());
        } else {
            topic = entry.dst();
            service = Service.MESSAGE.wireName();
            body = new Publications.Direct(entry.src(), entry.dst(), entry.message());
        }
        pub.send(topic.getBytes(StandardCharsets.UTF_8), ZMQ.SNDMORE);
        pub.send(codec.encode(service, body, stamp), 0);
        messageLog.sent("[" + topic + "]", service, body, stamp);
    }

    private Timer timer(String service, Object reply) {
        String outcome = isError(reply) ? "erro" : "ok";
        String known = Service.of(service).map(Service::wireName).orElse("unknown");
        return timers.computeIfAbsent(known + '/' + outcome, k -> Timer.builder("chat.requests")
                .description("client requests, from receipt to reply")
                .tag("service", known).tag("outcome", outcome)
                .publishPercentileHistogram()
                .register(registry));
    }

    private static boolean isError(Object reply) {
        if (reply instanceof Replies.Status s) {
            return !s.ok();
        }
        if (reply instanceof Replies.Ack a) {
            return !a.isOk();
        }
        return reply instanceof Replies.History h && h.status() != null;
    }
}
