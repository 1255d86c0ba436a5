package io.zchat.server.net;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.zchat.server.ServerProperties;
import io.zchat.server.cluster.ClusterProperties;
import io.zchat.server.cluster.ClusterView;
import io.zchat.server.handler.RequestHandler;
import io.zchat.server.log.ReplicationLog;
import io.zchat.server.log.TermFile;
import io.zchat.server.replication.FetchBudget;
import io.zchat.server.replication.ReplicaMessages;
import io.zchat.server.state.ChatState;
import io.zchat.server.store.ViewWriter;
import io.zchat.shared.clock.Clocks;
import io.zchat.shared.config.Endpoints;
import io.zchat.shared.log.MessageLog;
import io.zchat.shared.wire.Frame;
import io.zchat.shared.wire.Replies;
import io.zchat.shared.wire.Service;
import io.zchat.shared.wire.WireCodec;
import io.zchat.shared.wire.WireFormatException;
import io.zchat.shared.zmq.Multipart;
import io.zchat.shared.zmq.OverflowCountingPublisher;
import io.zchat.shared.zmq.ZmqLoop;
import io.zchat.shared.zmq.ZmqSettings;
import io.zchat.shared.zmq.curve.Access;
import org.springframework.stereotype.Component;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

/**
 * The server's data path, on one thread that owns the log, the state and these sockets:
 * <ul>
 *   <li>a DEALER on the broker, connected once this server has caught up: client requests, many in
 *       flight, each keeping its envelope;</li>
 *   <li>a PUB on the proxy: posts and direct messages, once committed;</li>
 *   <li>a ROUTER on the peer port: other servers' {@code clock}, {@code election}, {@code sync},
 *       {@code fetch}, {@code forward} and {@code replica_status};</li>
 *   <li>a DEALER to the coordinator (while following) that fetches entries and forwards writes.</li>
 * </ul>
 * Primary-backup with a sequencer: the coordinator orders every write into the log in its term;
 * followers pull the log (their fetch carries what they hold, which is their ack); an entry is
 * committed once {@code min-acks} servers hold it, and only then answered and published. Work is
 * done in groups: everything one poll finds waiting, on any socket, is taken, then written with one
 * write and one fsync.
 * <p>
 * This class opens the sockets, runs the groups, the timers and the stop; the work is done, on
 * this thread, by {@link ClientRequests}, {@link PeerRequests}, {@link Coordinator} (the
 * coordinator's side), {@link Follower} (the follower's side), {@link PendingWrites} (this
 * server's clients' writes until answered) and {@link LocalStorage} (the files and disk faults).
 */
@Component
public class ServerLoop extends ZmqLoop {

    private static final Duration[] DELAY_BUCKETS = Stream.of(1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50,
                    75, 100, 150, 200, 300, 500, 750, 1000, 2000, 5000, 10_000)
            .map(Duration::ofMillis).toArray(Duration[]::new);

    /** What this server does in the replication. */
    public enum Role { FOLLOWER, RECOVERING, LEADER }

    private final Endpoints.Broker broker;
    private final Endpoints.Proxy proxy;
    private final ServerProperties properties;
    private final FetchBudget fetchBudget;
    private final ClusterProperties cluster;
    private final RequestHandler handler;
    private final ChatState state;
    private final ReplicationLog log;
    private final TermFile termFile;
    private final ViewWriter views;
    private final WireCodec codec;
    private final Clocks clocks;
    private final MessageLog messageLog;
    private final ClusterView view;
    private final Counter storageFailures;
    private final Counter busyRefusals;
    private final Counter sendsDropped;
    private final Counter gaps;
    private final Counter publicationOverflows;
    private final Counter peersClosed;
    private final Counter corruptions;
    private final Counter storageRefusals;
    private final Timer replicationDelays;
    private final RequestTimers timers;
    private final PeerServices peerServices;
    private final ReplicaState replica;
    private final List<Runnable> afterFlush = new ArrayList<>();
    private int inFlightAtStop;
    private boolean joinedBroker;
    private long storageRetryAt;
    private ZMQ.Socket clients;
    private ZMQ.Socket peers;
    private EntryPublisher publisher;
    private Outbox outbox;
    private Upstream upstream;
    private PendingWrites pending;
    private Coordinator coordinator;
    private Follower follower;
    private LocalStorage storage;
    private ClientRequests clientRequests;
    private PeerRequests peerRequests;
    private LongConsumer deposedListener = term -> { };
    /** The term the cluster loop last told this server to lead (0: never); on this loop only. */
    private long lastLeadTerm;
    private Runnable notLeadingListener = () -> { };
    private Consumer<String> coordinatorLinkLostListener = name -> { };
    /** The coordinator whose connection closed, until an answer comes through the upstream again; read by the cluster loop. */
    private volatile String linkLostTo;
    private ZMQ.Socket upstreamEvents;

    public ServerLoop(Endpoints.Broker broker, Endpoints.Proxy proxy, ServerProperties properties,
                      ClusterProperties cluster, ZmqSettings zmq, RequestHandler handler, ChatState state,
                      ReplicationLog log, TermFile termFile, ViewWriter views, WireCodec codec, Clocks clocks,
                      MessageLog messageLog, MeterRegistry registry, ClusterView view, RequestTimers timers,
                      PeerServices peerServices) {
        super("server-loop", zmq);
        this.timers = timers;
        this.peerServices = peerServices;
        this.broker = broker;
        this.proxy = proxy;
        this.properties = properties;
        // checked here, at start-up, rather than when the loop opens its sockets
        this.fetchBudget = FetchBudget.of(properties.replication().fetchEntries(),
                properties.replication().fetchBytes().toBytes(), zmq.maxMessageSize().toBytes());
        this.cluster = cluster;
        this.handler = handler;
        this.state = state;
        this.log = log;
        this.termFile = termFile;
        this.views = views;
        this.codec = codec;
        this.clocks = clocks;
        this.messageLog = messageLog;
        this.view = view;
        this.replica = new ReplicaState(views.appliedSeq(), views.committedFloor(),
                log.lastDamage() != null ? log.lastDamage() : views.lastDamage());
        this.storageFailures = Counter.builder("chat.storage.failures")
                .description("log writes that failed; their requests were refused").register(registry);
        this.busyRefusals = Counter.builder("chat.requests.busy")
                .description("writes refused because too many were waiting for replication").register(registry);
        this.sendsDropped = Counter.builder("chat.sends.dropped")
                .description("messages not sent because the peer's queue was full; its retry makes up for it")
                .register(registry);
        this.publicationOverflows = Counter.builder("chat.publications.overflows")
                .description("times the proxy was a high-water mark behind and publications were lost")
                .register(registry);
        this.peersClosed = closedConnections(registry, "peers");
        this.gaps = Counter.builder("chat.replication.gaps")
                .description("fetch answers that did not continue this server's log").register(registry);
        this.corruptions = Counter.builder("chat.storage.corruptions")
                .description("damaged records found in the log or the files (and repaired from the peers)")
                .register(registry);
        // fixed buckets, fine around the 20 ms target: a reader takes percentiles from two readings'
        // difference, and each scrape stays short
        this.replicationDelays = Timer.builder("chat.replication.delay")
                .description("per fetch answer that brought entries: how long after the coordinator ordered the "
                        + "oldest of them it reached this server")
                .serviceLevelObjectives(DELAY_BUCKETS).register(registry);
        this.storageRefusals = Counter.builder("chat.requests.refused.storage")
                .description("writes refused because this server cannot write its disk").register(registry);
    }

    // ---- read by other threads -------------------------------------------------------------

    public Role role() {
        return replica.role;
    }

    /** Why this server cannot write its disk, or null while it can. */
    public String storageProblem() {
        return replica.storageProblem();
    }

    /** What was last found damaged on this server's disk and repaired, or null. */
    public String lastCorruption() {
        return replica.lastCorruption;
    }

    /** Whether this server may become coordinator: only while it can write its log. */
    public boolean canLead() {
        return replica.canLead();
    }

    /** Entries this server is behind the coordinator (0 on the coordinator). */
    public long lagEntries() {
        return replica.lagEntries;
    }

    public long lagMillis() {
        return replica.lagMillis;
    }

    /** True once this server held everything its coordinator had (always on the coordinator). */
    public boolean caughtUp() {
        return replica.caughtUp;
    }

    public long commitSeq() {
        return replica.commit;
    }

    public long lastSeq() {
        return log.lastSeq();
    }

    public long term() {
        return termFile.term();
    }

    /** The term of this server's last log entry (0 when the log is empty). */
    public long lastTerm() {
        return log.lastTerm();
    }

    /** The term file, which the cluster loop raises when it proposes this server as coordinator. */
    public TermFile termFile() {
        return termFile;
    }

    public int minAcks() {
        return properties.replication().minAcks();
    }

    /**
     * Called (on this loop) when this server stops being coordinator without hearing a new one, with
     * the term it was last told to lead: a notice that reaches the cluster loop after it handed over
     * a later term is about an earlier term, and must not depose the later one.
     */
    public void onDeposed(LongConsumer listener) {
        this.deposedListener = listener;
    }

    /** Called (on this loop) when the coordinator has kept saying, for a while, that it is not ordering. */
    public void onCoordinatorNotLeading(Runnable listener) {
        this.notLeadingListener = listener;
    }

    /**
     * Whether this follower's connection to {@code coordinator} closed and nothing has come through
     * it since: for the cluster loop, whose own notice of it may wait behind a check in progress.
     */
    public boolean linkLostTo(String coordinator) {
        return coordinator.equals(linkLostTo);
    }

    /** Called (on this loop) with the coordinator's name when this follower's connection to it closes. */
    public void onCoordinatorLinkLost(Consumer<String> listener) {
        this.coordinatorLinkLostListener = listener;
    }

    /** Called (on this loop) when another server asks for an election. */
    public void onElectionRequest(Runnable listener) {
        peerServices.onElectionRequest(listener);
    }

    // ---- commands from the cluster loop -----------------------------------------------------

    /** Become coordinator in {@code term} (already taken), after catching up from {@code source} up to {@code sourceSeq}. */
    public void lead(long term, String source, long sourceSeq) {
        execute(() -> {
            lastLeadTerm = term;
            coordinator.lead(term, source, sourceSeq);
        });
    }

    /** Follow coordinator {@code name} at {@code address}. */
    public void follow(String name, String address) {
        execute(() -> follower.follow(name, address));
    }

    // ---- loop ---------------------------------------------------------------------------------

    @Override
    protected void open() {
        // connected to the broker only once this server can serve (see joinBrokerOnceReady)
        clients = socket(SocketType.DEALER);
        ZMQ.Socket pub = socket(SocketType.PUB);
        pub.connect(proxy.xsub());
        publisher = new EntryPublisher(new OverflowCountingPublisher(pub, publicationOverflows::increment), codec,
                messageLog);
        peers = socket(SocketType.ROUTER);
        listen(peers, "tcp://*:" + cluster.peer().port(), Access.CLUSTER, peersClosed);
        whenReadable(clients, this::serveClients);
        whenReadable(peers, this::servePeers);
        wire();
        super.log.info("requests from {} once caught up | publishing to {} | peers on tcp://*:{} (advertised {})",
                broker.backend(), proxy.xsub(), cluster.peer().port(), cluster.peer().address());
    }

    /** A coordinator that is gone closes its connections at once, long before it misses a check. */
    private void upstreamClosed() {
        String name = upstream.name();
        if (replica.role == Role.FOLLOWER && name != null) {
            super.log.info("connection to coordinator {} closed", name);
            linkLostTo = name;
            coordinatorLinkLostListener.accept(name);
        }
    }

    /** The parts that do the work, on this thread, with the sockets just opened. */
    private void wire() {
        Runnable deposed = () -> deposedListener.accept(lastLeadTerm);
        outbox = new Outbox(clients, peers, codec, clocks, messageLog, timers, sendsDropped);
        upstream = new Upstream(() -> {
            ZMQ.Socket socket = socket(SocketType.DEALER);
            whenReadable(socket, this::serveUpstream);
            upstreamEvents = whenConnectionsClose(socket, closed -> upstreamClosed());
            return socket;
        }, socket -> {
            unregister(socket);
            closeSocket(socket);
            unregister(upstreamEvents);
            closeSocket(upstreamEvents);
        }, outbox, properties, view, termFile, log, replica);
        pending = new PendingWrites(outbox);
        coordinator = new Coordinator(properties, log, state, termFile, clocks, codec, view, replica, outbox, upstream,
                pending, fetchBudget, afterFlush::add, deposed);
        storage = new LocalStorage(properties, log, state, views, replica, coordinator, upstream, deposed,
                storageFailures, corruptions);
        follower = new Follower(properties, log, state, termFile, clocks, view, replica, upstream, pending,
                coordinator, storage, afterFlush::add, deposed, () -> notLeadingListener.run(), gaps, corruptions,
                replicationDelays);
        clientRequests = new ClientRequests(handler, properties, view, replica, outbox, upstream, pending, coordinator,
                busyRefusals, storageRefusals);
        peerRequests = new PeerRequests(codec, clocks, messageLog, peerServices, termFile, log, view, replica, outbox,
                coordinator, storage, deposed);
    }

    /**
     * The broker hands every connected server its share of requests, ready or not: a server that
     * joined it before knowing its coordinator and holding the log would keep those requests
     * waiting (half a second and more after a restart under load). So it joins once it is ready,
     * and stays joined after that (leaving would lose what is queued towards it).
     */
    private void joinBrokerOnceReady() {
        if (!joinedBroker && replica.caughtUp && view.registered() && replica.storageProblem() == null) {
            joinedBroker = true;
            clients.connect(broker.backend());
            super.log.info("caught up ({} at seq {}): taking client requests from {}", replica.role, log.lastSeq(),
                    broker.backend());
        }
    }

    @Override
    protected void onTick(long now) {
        joinBrokerOnceReady();
        if (log.damagedSeq() > 0) {
            storage.repairLog();
        }
        if (replica.logProblem != null && log.lastSeq() > log.durableSeq() && now >= storageRetryAt) {
            // try the disk again: a group that could not be written is written now, or stays unanswered
            storageRetryAt = now + properties.replication().retryAfter().toMillis();
            endOfGroup();
        }
        if (replica.role == Role.LEADER) {
            coordinator.answerExpiredFetches(now);
        } else if (upstream.fetchOverdue(now)) {
            upstream.resendFetch();
        }
        if (replica.role == Role.FOLLOWER && upstream.isOpen()) {
            follower.retryForwards(now);
        }
        if (replica.role != Role.LEADER && !upstream.isOpen()) {
            replica.lagEntries = 0;
        }
        if (storage.viewsDue(now)) {
            storage.writeViews(now);
        }
    }

    @Override
    protected void onDrainStart() {
        coordinator.stopTakingForwards();
        inFlightAtStop = countWaitingWrites();
        // requests still queued towards this server are never taken: unanswered, their clients send
        // them again (same id) and another server takes them
        unregister(clients);
        super.log.info("stopping: answering the {} write(s) in flight first (at most {})", inFlightAtStop,
                properties.shutdown().drain());
    }

    @Override
    protected boolean drained() {
        return pending.isEmpty() && coordinator.uncommittedSeqs() == 0;
    }

    @Override
    protected Duration drainTimeout() {
        return properties.shutdown().drain();
    }

    @Override
    protected void onStop() {
        storage.writeViews(System.currentTimeMillis());
        int left = countWaitingWrites();
        super.log.info("stopped: {} write(s) in flight answered, {} left to their clients' retries{}; files flushed",
                Math.max(0, inFlightAtStop - left), left, left == 0 ? "" : " (" + pending.count()
                        + " forwarded, " + coordinator.uncommittedSeqs() + " seqs uncommitted while the log ends at "
                        + log.lastSeq() + ", durable " + log.durableSeq() + ")");
    }

    /** This server's clients' writes not answered yet: forwarded (until the coordinator is done) or ordered here. */
    private int countWaitingWrites() {
        return pending.count() + coordinator.waitingClientWrites();
    }

    private void serveClients() {
        int max = properties.storage().maxBatch();
        clientRequests.startGroup(countWaitingWrites());
        List<byte[]> frames;
        int handled = 0;
        while (handled < max && (frames = Multipart.receive(clients)) != null) {
            handled++;
            clientRequests.take(frames);
        }
        view.countClientRequests(handled);
    }

    private void servePeers() {
        List<byte[]> frames;
        int handled = 0;
        while (handled < properties.storage().maxBatch() && (frames = Multipart.receive(peers)) != null) {
            handled++;
            Route route = Route.split(frames);
            byte[] body = route.singleBody();
            if (body == null) {
                outbox.answerPeer(route.envelope(), Service.ERROR.wireName(),
                        Replies.Status.error("expected one body frame"));
                continue;
            }
            peerRequests.take(route.envelope(), body);
        }
    }

    private void serveUpstream() {
        List<byte[]> frames;
        int handled = 0;
        while (handled < properties.storage().maxBatch() && upstream.isOpen()
                && (frames = Multipart.receive(upstream.socket())) != null) {
            handled++;
            if (linkLostTo != null) {
                linkLostTo = null;
            }
            byte[] body = frames.get(frames.size() - 1);
            try {
                Frame answer = codec.read(body);
                clocks.received(answer.stamp());
                if (ReplicaMessages.FETCH.equals(answer.service())) {
                    follower.takeEntries(codec.body(answer, ReplicaMessages.Entries.class));
                } else if (ReplicaMessages.FORWARD.equals(answer.service())) {
                    follower.takeForwarded(codec.body(answer, ReplicaMessages.Forwarded.class));
                }
            } catch (WireFormatException e) {
                super.log.warn("unreadable answer from {}: {}", upstream.name(), e.getMessage());
            }
        }
    }

    /**
     * What one poll brought from the clients, the peers and the coordinator is one group: one
     * write and one fsync for all of it, rather than one per socket (with the peers' messages
     * waiting behind the clients' fsync).
     */
    @Override
    protected void onPollServed() {
        endOfGroup();
    }

    /**
     * After a group: forward writes, send new entries to followers, make the log durable (the
     * followers' disks and this one work at once; an entry counts only where it is durable), then
     * answer, publish and ask for more.
     */
    private void endOfGroup() {
        if (log.damagedSeq() > 0) {
            storage.repairLog();
        }
        follower.sendGroupForwards();
        boolean appended = log.lastSeq() > log.durableSeq();
        if (appended && replica.role == Role.LEADER) {
            coordinator.answerParkedFetches();
        }
        if (appended) {
            try {
                log.flush();
                storage.logWorks();
            } catch (IOException e) {
                storage.failLog(e);
            }
        }
        if (replica.role == Role.LEADER) {
            coordinator.countOwnCopy();
        } else if (appended && upstream.isOpen()) {
            upstream.sendFetch();
        }
        List<Runnable> due = new ArrayList<>(afterFlush);
        afterFlush.clear();
        due.forEach(Runnable::run);
        coordinator.sendForwardAnswers();
        pending.publishAnswered(publisher);
    }
}
