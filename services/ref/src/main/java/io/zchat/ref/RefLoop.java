package io.zchat.ref;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.zchat.shared.clock.Clocks;
import io.zchat.shared.config.Endpoints;
import io.zchat.shared.log.MessageLog;
import io.zchat.shared.wire.Envelope;
import io.zchat.shared.wire.Replies;
import io.zchat.shared.wire.Requests;
import io.zchat.shared.wire.Service;
import io.zchat.shared.wire.Stamp;
import io.zchat.shared.wire.WireCodec;
import io.zchat.shared.wire.WireFormatException;
import io.zchat.shared.zmq.ZmqLoop;
import io.zchat.shared.zmq.ZmqSettings;
import io.zchat.shared.zmq.curve.Access;
import org.springframework.stereotype.Component;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * REP on the ref endpoint: {@code rank}, {@code list}, {@code heartbeat}. A rank handed out is
 * saved before the reply; heartbeat times are saved at most once per save interval.
 */
@Component
public class RefLoop extends ZmqLoop {
    private static final long SAVE_EVERY_MS = 1000;
    private static final String SERVER = "server";

    private final RefProperties properties;
    private final ServerDirectory directory;
    private final ServerDirectoryFile file;
    private final WireCodec codec;
    private final Clocks clocks;
    private final MessageLog messageLog;
    private final AtomicReference<List<ServerDirectory.Server>> snapshot = new AtomicReference<>(List.of());
    private final AtomicReference<List<Replies.ServerInfo>> aliveSnapshot = new AtomicReference<>(List.of());
    private final Counter closed;
    private long lastSave;
    private ZMQ.Socket rep;

    public RefLoop(RefProperties properties, ServerDirectory directory, ServerDirectoryFile file, ZmqSettings zmq,
                   WireCodec codec, Clocks clocks, MessageLog messageLog, MeterRegistry registry) {
        super("ref-loop", zmq);
        this.properties = properties;
        this.directory = directory;
        this.file = file;
        this.codec = codec;
        this.clocks = clocks;
        this.messageLog = messageLog;
        Gauge.builder("chat.ref.servers.alive", aliveSnapshot, s -> s.get().size())
                .description("servers that beat within the heartbeat timeout").register(registry);
        Gauge.builder("chat.ref.servers.known", snapshot, s -> s.get().size())
                .description("servers that ever registered").register(registry);
        this.closed = closedConnections(registry, "ref");
    }

    /** What health shows: every known server, and those alive now. */
    public List<ServerDirectory.Server> known() {
        return snapshot.get();
    }

    public List<Replies.ServerInfo> alive() {
        return aliveSnapshot.get();
    }

    @Override
    protected void open() {
        rep = socket(SocketType.REP);
        String bind = Endpoints.bindAddress(properties.ref().endpoint());
        listen(rep, bind, Access.CLUSTER, closed);
        whenReadable(rep, this::serve);
        publishSnapshot();
        log.info("listening on {}{} (heartbeat timeout {}, {} known servers)", bind,
                zmq.curve().enabled() ? " with CURVE" : "",
                properties.heartbeat().timeout(), directory.all().size());
    }

    @Override
    protected void onTick(long nowMillis) {
        List<Replies.ServerInfo> before = aliveSnapshot.get();
        publishSnapshot();
        List<Replies.ServerInfo> after = aliveSnapshot.get();
        before.stream().filter(s -> after.stream().noneMatch(a -> a.name().equals(s.name())))
                .forEach(s -> log.info("{} (rank {}) missed its heartbeats: no longer listed", s.name(), s.rank()));
        if (nowMillis - lastSave >= SAVE_EVERY_MS && directory.takeChanged()) {
            save();
        }
    }

    private void serve() {
        byte[] frame = rep.recv(ZMQ.DONTWAIT);
        if (frame == null) {
            return;
        }
        while (rep.hasReceiveMore()) {
            rep.recv();
        }
        String service = Service.ERROR.wireName();
        Object reply;
        try {
            Envelope request = codec.decode(frame);
            clocks.received(request.stamp());
            messageLog.received(SERVER, request);
            service = request.service();
            reply = handle(request);
        } catch (WireFormatException e) {
            messageLog.receivedInvalid(SERVER, frame.length, e.getMessage());
            reply = Replies.Status.error(e.getMessage());
        } catch (RuntimeException e) {
            // a REP socket that does not answer takes no further request: answer whatever happened
            log.error("request of {} bytes could not be handled", frame.length, e);
            reply = Replies.Status.error("internal error: " + e.getClass().getSimpleName());
        }
        Stamp stamp = clocks.stamp();
        rep.send(codec.encode(service, reply, stamp));
        messageLog.sent(SERVER, service, reply, stamp);
    }

    private Object handle(Envelope request) throws WireFormatException {
        Service service = request.knownService().orElse(null);
        if (service == Service.RANK) {
            Requests.Rank rank = codec.body(request, Requests.Rank.class);
            String problem = rankProblem(rank);
            if (problem != null) {
                return Replies.Status.error(problem);
            }
            boolean known = directory.find(rank.user()).isPresent();
            int given = directory.register(rank.user(), rank.address());
            save();
            publishSnapshot();
            log.info("{} {} rank {} at {}", rank.user(), known ? "keeps" : "gets", given, rank.address());
            return new Replies.Rank(given);
        }
        if (service == Service.LIST) {
            return new Replies.ServerList(directory.alive());
        }
        if (service == Service.HEARTBEAT) {
            Requests.Heartbeat beat = codec.body(request, Requests.Heartbeat.class);
            boolean wasAlive = directory.find(beat.user()).map(directory::isAlive).orElse(false);
            if (!directory.heartbeat(beat.user())) {
                return Replies.Status.error("unknown server '" + beat.user() + "': ask for a rank first");
            }
            if (!wasAlive) {
                log.info("{} is alive", beat.user());
            }
            return new Requests.Empty();
        }
        return Replies.Status.error("unknown service '" + request.service() + "'");
    }

    private static String rankProblem(Requests.Rank rank) {
        if (rank.user() == null || rank.user().isBlank()) {
            return "field 'user' (the server name) is missing";
        }
        if (rank.address() == null) {
            return "field 'address' (tcp://host:port) is missing";
        }
        try {
            URI uri = URI.create(rank.address());
            if (!"tcp".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() <= 0) {
                return "address must look like tcp://host:port";
            }
        } catch (IllegalArgumentException e) {
            return "address must look like tcp://host:port";
        }
        return null;
    }

    private void save() {
        try {
            file.save(directory.all());
            lastSave = System.currentTimeMillis();
        } catch (IOException e) {
            log.error("cannot save {}: {}", file.path(), e.getMessage());
        }
    }

    private void publishSnapshot() {
        snapshot.set(directory.all());
        aliveSnapshot.set(directory.alive());
    }
}
