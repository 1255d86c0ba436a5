package io.zchat.server.net;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.zchat.server.ServerProperties;
import io.zchat.server.cluster.ClusterProperties;
import io.zchat.server.cluster.ClusterView;
import io.zchat.server.handler.Outcome;
import io.zchat.server.handler.RequestHandler;
import io.zchat.server.handler.WriteErrors;
import io.zchat.server.log.LogEntry;
import io.zchat.server.log.ReplicationLog;
import io.zchat.server.log.TermFile;
import io.zchat.server.replication.CommitTracker;
import io.zchat.server.replication.LogMatch;
import io.zchat.server.replication.ReplicaMessages;
import io.zchat.server.replication.Sequencer;
import io.zchat.server.state.ChatState;
import io.zchat.server.store.ViewWriter;
import io.zchat.shared.clock.Clocks;
import io.zchat.shared.config.Endpoints;
import io.zchat.shared.log.MessageLog;
import io.zchat.shared.wire.Envelope;
import io.zchat.shared.wire.Frame;
import io.zchat.shared.wire.Replies;
import io.zchat.shared.wire.Requests;
import io.zchat.shared.wire.Service;
import io.zchat.shared.wire.Stamp;
import io.zchat.shared.wire.WireCodec;
import io.zchat.shared.wire.WireFormatException;
import io.zchat.shared.zmq.OverflowCountingPublisher;
import io.zchat.shared.zmq.ZmqLoop;
import io.zchat.shared.zmq.ZmqSettings;
import io.zchat.shared.zmq.curve.Access;
import org.springframework.stereotype.Component;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * The server's data path, on one thread that owns the log, the state and these sockets:
 * <ul>
 *   <li>a DEALER on the broker: client requests, many in flight, each keeping its envelope;</li>
 *   <li>a PUB on the proxy: posts and direct messages, once committed;</li>
 *   <li>a ROUTER on the peer port: other servers' {@code clock}, {@code election}, {@code sync},
 *       {@code fetch}, {@code forward} and {@code replica_status};</li>
 *   <li>a DEALER to the coordinator (while following) that fetches entries and forwards writes.</li>
 * </ul>
 * Primary-backup with a sequencer: the coordinator orders every write into the log in its term;
 * followers pull the log (their fetch carries what they hold, which is their ack); an entry is
 * committed once {@code min-acks} servers hold it, and only then answered and published. Work is
 * done in groups: everything waiting is taken, then written with one write and one fsync.
 */
@Component
public class ServerLoop extends ZmqLoop {
    private static final String CLIENT = "client";
    private static final String PEER = "peer";
    private static final long RETRY_SOON_MS = 100;
    /** Most writes, and about the most bytes of them, in one forward message (well under the frame limit). */
    private static final int FORWARD_BATCH = 256;
    private static final int FORWARD_BATCH_BYTES = 256 * 1024;
    /** Entries written to the views per interval while they are rebuilt or far behind. */
    private static final int VIEW_CHUNK = 16_384;
    /** How long the coordinator may keep saying it is not ordering before a follower elects. */
    private static final long NOT_LEADING_PATIENCE_MS = 2000;

    /** What this server does in the replication. */
    public enum Role { FOLLOWER, RECOVERING, LEADER }

    private final Endpoints.Broker broker;
    private final Endpoints.Proxy proxy;
    private final ServerProperties properties;
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
    private final RequestTimers timers;
    private final PeerServices peerServices;
    private final Map<String, PendingWrite> forwards = new LinkedHashMap<>();
    /** This group's writes still to forward, sent together at its end. */
    private final List<PendingWrite> toForward = new ArrayList<>();
    /** Answers to forwarded writes, per follower, sent together at the end of the group. */
    private final ForwardAnswers forwardAnswers = new ForwardAnswers();
    private final TreeMap<Long, List<Object>> awaitingCommit = new TreeMap<>();
    private final TreeMap<Long, List<PendingWrite>> awaitingApply = new TreeMap<>();
    /** Writes waiting, counted at the start of each group of client requests and kept up in it. */
    private int waitingWrites;
    /** When the coordinator last said anything to this follower. */
    private long heardFromUpstreamAt;
    private long forwardsRetriedAt;
    private long viewsWrittenAt;
    private final List<ParkedFetch> parkedFetches = new ArrayList<>();
    private final List<LogEntry> toPublish = new ArrayList<>();
    private final List<Runnable> afterFlush = new ArrayList<>();

    private volatile Role role = Role.FOLLOWER;
    private boolean draining;
    private int inFlightAtStop;
    /** Why the log (or term file) cannot be written, while it cannot. */
    private volatile String logProblem;
    /** Why the user-facing files cannot be written, while they cannot. */
    private volatile String viewProblem;
    /** What was last found damaged and repaired (log or files), for health. */
    private volatile String lastCorruption;
    /**
     * Entries up to here were committed (seen in the files on start, or as the commit point when
     * this server's log had to be cut): it may lead only with a log that reaches it.
     */
    private long committedFloor;
    private long storageRetryAt;
    /** Since when the upstream has kept saying it is not coordinator (0: it has not). */
    private long notLeadingSince;
    private volatile long lagEntries;
    private volatile long lagMillis;
    private volatile boolean caughtUp;
    private volatile long commit;
    private volatile String upstreamName;
    private ZMQ.Socket clients;
    private EntryPublisher publisher;
    private ZMQ.Socket peers;
    private ZMQ.Socket upstream;
    private String upstreamAddress;
    private CommitTracker tracker;
    private long recoveryTarget;
    private long fetchSentAt;
    private long forwardCounter;
    private Runnable deposedListener = () -> { };
    private Runnable notLeadingListener = () -> { };

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
        this.commit = views.appliedSeq();
        this.committedFloor = views.committedFloor();
        this.lastCorruption = log.lastDamage() != null ? log.lastDamage() : views.lastDamage();
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
        this.storageRefusals = Counter.builder("chat.requests.refused.storage")
                .description("writes refused because this server cannot write its disk").register(registry);
    }

    /** A client write this server answers once it is ordered (and applied here). */
    private static final class PendingWrite {
        final List<byte[]> route;
        final String service;
        final Service write;
        final Requests.Write body;
        final Frame request;
        final String id;
        final long receivedNanos;
        /** When it goes to the coordinator again if no answer has come. */
        long resendAt;
        long seq;
        Object reply;
        /** The entry to publish once answered: known when ordered here, looked up in the log when forwarded. */
        LogEntry publish;
        boolean created;

        PendingWrite(List<byte[]> route, String service, Service write, Requests.Write body, Frame request,
                     String id, long receivedNanos) {
            this.route = route;
            this.service = service;
            this.write = write;
            this.body = body;
            this.request = request;
            this.id = id;
            this.receivedNanos = receivedNanos;
        }
    }

    /** A write another server forwarded, answered once committed. */
    private record RemoteWrite(List<byte[]> route, String fid, boolean created) {
    }

    /** A follower's fetch held until there is something new (or its wait ends). */
    private record ParkedFetch(List<byte[]> route, ReplicaMessages.Fetch fetch, long until) {
    }

    // ---- read by other threads -------------------------------------------------------------

    public Role role() {
        return role;
    }

    /** Why this server cannot write its disk, or null while it can. */
    public String storageProblem() {
        String problem = logProblem;
        return problem != null ? problem : viewProblem;
    }

    /** What was last found damaged on this server's disk and repaired, or null. */
    public String lastCorruption() {
        return lastCorruption;
    }

    /** Whether this server may become coordinator: only while it can write its log. */
    public boolean canLead() {
        return logProblem == null;
    }

    /** Entries this server is behind the coordinator (0 on the coordinator). */
    public long lagEntries() {
        return lagEntries;
    }

    public long lagMillis() {
        return lagMillis;
    }

    /** True once this server held everything its coordinator had (always on the coordinator). */
    public boolean caughtUp() {
        return caughtUp;
    }

    public long commitSeq() {
        return commit;
    }

    public long lastSeq() {
        return log.lastSeq();
    }

    public long term() {
        return termFile.term();
    }

    /** The term file, which the cluster loop raises when it proposes this server as coordinator. */
    public TermFile termFile() {
        return termFile;
    }

    public int minAcks() {
        return properties.replication().minAcks();
    }

    /** Called (on this loop) when this server stops being coordinator without hearing a new one. */
    public void onDeposed(Runnable listener) {
        this.deposedListener = listener;
    }

    /** Called (on this loop) when the coordinator has kept saying, for a while, that it is not ordering. */
    public void onCoordinatorNotLeading(Runnable listener) {
        this.notLeadingListener = listener;
    }

    /** Called (on this loop) when another server asks for an election. */
    public void onElectionRequest(Runnable listener) {
        peerServices.onElectionRequest(listener);
    }

    // ---- commands from the cluster loop -----------------------------------------------------

    /** Become coordinator in {@code term} (already taken), after catching up from {@code source} up to {@code sourceSeq}. */
    public void lead(long term, String source, long sourceSeq) {
        execute(() -> {
            if (termFile.term() != term) {
                super.log.warn("term {} was overtaken by term {} before this server could lead it", term,
                        termFile.term());
                deposedListener.run();
                return;
            }
            tracker = null;
            long reach = Math.max(log.lastSeq(), source != null ? sourceSeq : 0);
            if (!canLead() || reach < committedFloor) {
                super.log.warn("not leading term {}: {}", term, !canLead() ? "this server cannot write its log ("
                        + logProblem + ")" : "no log on board reaches seq " + committedFloor
                        + ", known committed (this server's own copy was damaged); waiting for a server that has it");
                deposedListener.run();
                return;
            }
            if (source != null && sourceSeq > log.lastSeq()) {
                role = Role.RECOVERING;
                recoveryTarget = sourceSeq;
                connectUpstream(source, source);
                super.log.info("term {}: recovering entries {}..{} from {} before ordering", term,
                        log.lastSeq() + 1, sourceSeq, source);
                sendFetch();
            } else {
                startLeading();
            }
        });
    }

    /** Follow coordinator {@code name} at {@code address}. */
    public void follow(String name, String address) {
        execute(() -> {
            if (role == Role.LEADER || role == Role.RECOVERING) {
                super.log.info("stepping down: {} is coordinator", name);
                stepDown();
            }
            role = Role.FOLLOWER;
            if (!address.equals(upstreamAddress)) {
                connectUpstream(name, address);
                caughtUp = false;
                resendForwards();
                sendFetch();
            }
        });
    }

    // ---- loop ---------------------------------------------------------------------------------

    @Override
    protected void open() {
        clients = socket(SocketType.DEALER);
        clients.connect(broker.backend());
        ZMQ.Socket pub = socket(SocketType.PUB);
        pub.connect(proxy.xsub());
        publisher = new EntryPublisher(new OverflowCountingPublisher(pub, publicationOverflows::increment), codec,
                messageLog);
        peers = socket(SocketType.ROUTER);
        listen(peers, "tcp://*:" + cluster.peer().port(), Access.CLUSTER);
        countClosedConnections(peers, peersClosed);
        whenReadable(clients, this::serveClients);
        whenReadable(peers, this::servePeers);
        super.log.info("serving requests from {} | publishing to {} | peers on tcp://*:{} (advertised {})",
                broker.backend(), proxy.xsub(), cluster.peer().port(), cluster.peer().address());
    }

    @Override
    protected void onTick(long now) {
        if (log.damagedSeq() > 0) {
            repairLog();
        }
        if (logProblem != null && log.lastSeq() > log.durableSeq() && now >= storageRetryAt) {
            // try the disk again: a group that could not be written is written now, or stays unanswered
            storageRetryAt = now + properties.replication().retryAfter().toMillis();
            endOfGroup();
        }
        if (role == Role.LEADER) {
            answerExpiredFetches(now);
        } else if (upstream != null && now - fetchSentAt > properties.replication().retryAfter().toMillis()) {
            sendFetch();
        }
        if (role == Role.FOLLOWER && upstream != null) {
            retryForwards(now);
        }
        if (role != Role.LEADER && upstream == null) {
            lagEntries = 0;
        }
        if (now - viewsWrittenAt >= properties.storage().viewInterval().toMillis()) {
            writeViews(now);
        }
    }

    @Override
    protected void onDrainStart() {
        draining = true;
        inFlightAtStop = countWaitingWrites();
        // requests still queued towards this server are never taken: unanswered, their clients send
        // them again (same id) and another server takes them
        unregister(clients);
        super.log.info("stopping: answering the {} write(s) in flight first (at most {})", inFlightAtStop,
                properties.shutdown().drain());
    }

    @Override
    protected boolean drained() {
        return toForward.isEmpty() && forwards.isEmpty() && awaitingCommit.isEmpty() && awaitingApply.isEmpty();
    }

    @Override
    protected Duration drainTimeout() {
        return properties.shutdown().drain();
    }

    @Override
    protected void onStop() {
        writeViews(System.currentTimeMillis());
        int left = countWaitingWrites();
        super.log.info("stopped: {} write(s) in flight answered, {} left to their clients' retries{}; files flushed",
                Math.max(0, inFlightAtStop - left), left, left == 0 ? "" : " (" + forwards.size()
                        + " forwarded, " + awaitingCommit.size() + " seqs uncommitted, " + awaitingApply.size()
                        + " seqs not yet here, up to seq " + (awaitingApply.isEmpty() ? 0 : awaitingApply.lastKey())
                        + " while the log ends at " + log.lastSeq() + ", durable " + log.durableSeq() + ")");
    }

    private void serveClients() {
        int max = properties.storage().maxBatch();
        waitingWrites = countWaitingWrites();
        List<byte[]> frames;
        int handled = 0;
        while (handled < max && (frames = receive(clients)) != null) {
            handled++;
            takeClientRequest(frames);
        }
        view.countClientRequests(handled);
        endOfGroup();
    }

    private void servePeers() {
        List<byte[]> frames;
        int handled = 0;
        while (handled < properties.storage().maxBatch() && (frames = receive(peers)) != null) {
            handled++;
            Route route = Route.split(frames);
            byte[] body = route.singleBody();
            if (body == null) {
                reply(peers, route.envelope(), Service.ERROR.wireName(),
                        Replies.Status.error("expected one body frame"), PEER);
                continue;
            }
            takePeerRequest(route.envelope(), body);
        }
        endOfGroup();
    }

    private void serveUpstream() {
        List<byte[]> frames;
        int handled = 0;
        while (handled < properties.storage().maxBatch() && upstream != null && (frames = receive(upstream)) != null) {
            handled++;
            heardFromUpstreamAt = System.currentTimeMillis();
            byte[] body = frames.get(frames.size() - 1);
            try {
                Frame answer = codec.read(body);
                clocks.received(answer.stamp());
                if (ReplicaMessages.FETCH.equals(answer.service())) {
                    takeEntries(codec.body(answer, ReplicaMessages.Entries.class));
                } else if (ReplicaMessages.FORWARD.equals(answer.service())) {
                    takeForwarded(codec.body(answer, ReplicaMessages.Forwarded.class));
                }
            } catch (WireFormatException e) {
                super.log.warn("unreadable answer from {}: {}", upstreamName, e.getMessage());
            }
        }
        endOfGroup();
    }

    /**
     * After a group: forward writes, send new entries to followers, make the log durable (the
     * followers' disks and this one work at once; an entry counts only where it is durable), then
     * answer, publish and ask for more.
     */
    private void endOfGroup() {
        if (log.damagedSeq() > 0) {
            repairLog();
        }
        sendForwards(toForward);
        toForward.clear();
        boolean appended = log.lastSeq() > log.durableSeq();
        if (appended && role == Role.LEADER) {
            answerParkedFetches(false);
        }
        if (appended) {
            try {
                log.flush();
                logWorks();
            } catch (IOException e) {
                failLog(e);
            }
        }
        if (role == Role.LEADER) {
            advanceCommit(tracker.durable(view.self(), log.durableSeq()));
        } else if (appended) {
            releaseApplied();
            if (upstream != null) {
                sendFetch();
            }
        }
        List<Runnable> due = new ArrayList<>(afterFlush);
        afterFlush.clear();
        due.forEach(Runnable::run);
        sendForwardAnswers();
        publishCommitted();
    }

    // ---- clients ------------------------------------------------------------------------------

    private void takeClientRequest(List<byte[]> frames) {
        long started = System.nanoTime();
        Route route = Route.split(frames);
        byte[] body = route.singleBody();
        Outcome outcome = body == null
                ? Outcome.reply(Service.ERROR.wireName(), Replies.Status.error(
                "expected one body frame after the envelope, got " + route.body().size()))
                : handle(body);
        if (!outcome.needsOrdering()) {
            answerClient(route.envelope(), outcome.service(), outcome.reply(), started);
            return;
        }
        String problem = storageProblem();
        if (problem != null) {
            storageRefusals.increment();
            answerClient(route.envelope(), outcome.service(), WriteErrors.reply(outcome.write(),
                    "server " + view.self() + " cannot store writes (" + problem + "); nothing was stored, "
                            + "try again"), started);
            return;
        }
        if (waitingWrites >= properties.storage().maxWaitingWrites()) {
            busyRefusals.increment();
            answerClient(route.envelope(), outcome.service(), WriteErrors.reply(outcome.write(),
                    "server busy: " + waitingWrites + " writes are waiting to be replicated; try again shortly"),
                    started);
            return;
        }
        waitingWrites++;
        String id = outcome.body().id();
        if (id == null || id.isEmpty()) {
            id = view.self() + ":" + (++forwardCounter) + ":" + started;
        }
        PendingWrite write = new PendingWrite(route.envelope(), outcome.service(), outcome.write(), outcome.body(),
                outcome.request(), id, started);
        if (role == Role.LEADER) {
            orderLocal(write);
        } else {
            forwards.put(id, write);
            if (upstream != null && role == Role.FOLLOWER) {
                toForward.add(write);
            }
        }
    }

    /** A request that meets a bug here still gets an answer, and the rest of its group is served. */
    private Outcome handle(byte[] body) {
        try {
            return handler.handle(body);
        } catch (RuntimeException e) {
            super.log.error("request of {} bytes could not be handled", body.length, e);
            return Outcome.reply(Service.ERROR.wireName(),
                    Replies.Status.error("internal error: " + e.getClass().getSimpleName()));
        }
    }

    /** This server's clients' writes not answered yet: forwarded, ordered, or committed but not applied here. */
    private int countWaitingWrites() {
        int waiting = forwards.size();
        for (List<Object> group : awaitingCommit.values()) {
            for (Object w : group) {
                if (w instanceof PendingWrite) {
                    waiting++;
                }
            }
        }
        for (List<PendingWrite> group : awaitingApply.values()) {
            waiting += group.size();
        }
        return waiting;
    }

    private void orderLocal(PendingWrite write) {
        Sequencer.Decision decision = order(write.write, write.body, write.id);
        if (decision.refusal() != null) {
            answerClient(write.route, write.service, decision.refusal(), write.receivedNanos);
            return;
        }
        write.reply = WriteErrors.success(write.write);
        if (decision.entry() != null) {
            write.seq = decision.entry().seq();
            write.publish = decision.entry();
        } else {
            write.seq = decision.existingSeq();
        }
        if (write.seq <= commit) {
            answerPending(write);
        } else {
            awaitingCommit.computeIfAbsent(write.seq, s -> new ArrayList<>()).add(write);
        }
    }

    /** Orders a write in this term: a new entry is appended to the log and applied. */
    private Sequencer.Decision order(Service service, Requests.Write body, String id) {
        Sequencer.Decision decision = Sequencer.order(state, clocks, termFile.term(), service, body, id);
        if (decision.entry() != null) {
            log.append(decision.entry());
            state.apply(decision.entry());
        }
        return decision;
    }

    private void answerPending(PendingWrite write) {
        answerClient(write.route, write.service, write.reply, write.receivedNanos);
        LogEntry publish = write.publish != null ? write.publish : write.created ? log.entry(write.seq) : null;
        if (publish != null && !write.id.equals(publish.id())) {
            // the coordinator's connection orders a cut of a divergent tail before this answer, so
            // this cannot happen; if it ever does, publishing another write would be worse than none
            super.log.error("entry {} here is not write {}; not publishing it", write.seq, write.id);
            publish = null;
        }
        if (publish != null) {
            toPublish.add(publish);
        }
    }

    private void answerClient(List<byte[]> route, String service, Object reply, long startedNanos) {
        reply(clients, route, service, reply, CLIENT);
        timers.record(service, reply, System.nanoTime() - startedNanos);
    }

    // ---- peers --------------------------------------------------------------------------------

    private void takePeerRequest(List<byte[]> route, byte[] body) {
        Frame request;
        try {
            request = codec.read(body);
        } catch (WireFormatException e) {
            messageLog.receivedInvalid(PEER, body.length, e.getMessage());
            reply(peers, route, Service.ERROR.wireName(), Replies.Status.error(e.getMessage()), PEER);
            return;
        }
        clocks.received(request.stamp());
        String service = request.service();
        try {
            switch (service) {
                case ReplicaMessages.FETCH -> takeFetch(route, named(codec.body(request, ReplicaMessages.Fetch.class),
                        ReplicaMessages.Fetch::node, ReplicaMessages.Fetch::term));
                case ReplicaMessages.FORWARD -> takeForward(route, named(codec.body(request,
                        ReplicaMessages.Forward.class), ReplicaMessages.Forward::node, ReplicaMessages.Forward::term));
                case ReplicaMessages.STATUS -> reply(peers, route, service, status(named(codec.body(request,
                        ReplicaMessages.StatusRequest.class), ReplicaMessages.StatusRequest::node,
                        ReplicaMessages.StatusRequest::term)), PEER);
                default -> {
                    Envelope envelope = codec.decode(body);
                    messageLog.received(PEER, envelope);
                    reply(peers, route, service, peerServices.answer(envelope,
                            canLead() && (caughtUp || role == Role.LEADER)), PEER);
                }
            }
        } catch (WireFormatException e) {
            reply(peers, route, service, Replies.Status.error(e.getMessage()), PEER);
        }
    }

    /**
     * A replication message must say which server sent it (a missing name is an error, not a
     * nameless peer); its term may be 0 (a new server that has not heard a coordinator yet), not less.
     */
    private static <T> T named(T message, Function<T, String> node, ToLongFunction<T> term) throws WireFormatException {
        String name = node.apply(message);
        if (name == null || name.isBlank() || term.applyAsLong(message) < 0) {
            throw new WireFormatException("a replication message needs 'node' and a 'term' of at least 0");
        }
        return message;
    }

    /** Adopts a proposed term (so an older coordinator's entries are refused from now on) and tells how far the log goes. */
    private ReplicaMessages.Status status(ReplicaMessages.StatusRequest request) {
        boolean accepted = false;
        try {
            accepted = termFile.raise(request.term());
        } catch (IOException e) {
            failLog(e);
        }
        if (accepted && role != Role.FOLLOWER) {
            super.log.warn("{} takes term {}: stepping down", request.node(), request.term());
            stepDown();
            deposedListener.run();
        }
        return new ReplicaMessages.Status(view.self(), termFile.term(), accepted, log.durableSeq(),
                log.termAt(log.durableSeq()), caughtUp || role == Role.LEADER);
    }

    /** A follower (or a recovering coordinator) asks for entries after its last one. */
    private void takeFetch(List<byte[]> route, ReplicaMessages.Fetch fetch) {
        if (fetch.term() > termFile.term() && role == Role.LEADER) {
            super.log.warn("{} is in term {}, later than this coordinator's {}: stepping down",
                    fetch.node(), fetch.term(), termFile.term());
            stepDown();
            deposedListener.run();
        }
        // only a coordinator feeds followers (and may tell them to cut their log); a coordinator
        // of this term that is still recovering may read any follower's log
        boolean serving = role == Role.LEADER
                || (fetch.recovery() && role == Role.FOLLOWER && fetch.term() >= termFile.term());
        if (!serving) {
            reply(peers, route, ReplicaMessages.FETCH, entries(List.of(), null,
                    role == Role.RECOVERING ? "recovering" : "not coordinator"), PEER);
            return;
        }
        Long truncate = LogMatch.truncateTo(log, fetch.lastSeq(), fetch.lastTerm());
        if (truncate != null) {
            reply(peers, route, ReplicaMessages.FETCH, entries(List.of(), truncate, null), PEER);
            return;
        }
        if (role == Role.LEADER) {
            advanceCommit(tracker.durable(fetch.node(), Math.min(fetch.durable(), fetch.lastSeq())));
        }
        List<byte[]> lines = read(fetch.lastSeq());
        if (lines.isEmpty() && role == Role.LEADER) {
            parkedFetches.add(new ParkedFetch(route, fetch,
                    System.currentTimeMillis() + properties.replication().fetchWait().toMillis()));
            return;
        }
        reply(peers, route, ReplicaMessages.FETCH, entries(lines, null, null), PEER);
    }

    /** What a follower gets: as coordinator, appended entries too; otherwise (recovery reads) durable ones. */
    private List<byte[]> read(long after) {
        int max = properties.replication().fetchEntries();
        int maxBytes = (int) properties.replication().fetchBytes().toBytes();
        return role == Role.LEADER ? log.readAppended(after, max, maxBytes) : log.read(after, max, maxBytes);
    }

    private ReplicaMessages.Entries entries(List<byte[]> lines, Long truncate, String refused) {
        return new ReplicaMessages.Entries(view.self(), termFile.term(), log.durableSeq(), commit,
                clocks.physical().millis(), lines, truncate, refused);
    }

    /** Answers held fetches: those with new entries, and (when {@code all}) every one, e.g. for a new commit. */
    private void answerParkedFetches(boolean all) {
        Iterator<ParkedFetch> it = parkedFetches.iterator();
        while (it.hasNext()) {
            ParkedFetch parked = it.next();
            List<byte[]> lines = read(parked.fetch().lastSeq());
            if (!lines.isEmpty() || all) {
                it.remove();
                reply(peers, parked.route(), ReplicaMessages.FETCH, entries(lines, null, null), PEER);
            }
        }
    }

    private void answerExpiredFetches(long now) {
        Iterator<ParkedFetch> it = parkedFetches.iterator();
        while (it.hasNext()) {
            ParkedFetch parked = it.next();
            if (now >= parked.until()) {
                it.remove();
                reply(peers, parked.route(), ReplicaMessages.FETCH, entries(List.of(), null, null), PEER);
            }
        }
    }

    private void takeForward(List<byte[]> route, ReplicaMessages.Forward forward) {
        List<ReplicaMessages.Write> writes = forward.writes() == null ? List.of() : forward.writes();
        for (ReplicaMessages.Write write : writes) {
            if (role != Role.LEADER || draining) {
                // refused writes are sent again soon, to whoever coordinates by then
                forwardAnswers.add(route, ReplicaMessages.Result.refused(write.fid(),
                        draining ? "coordinator is stopping" : "not coordinator"));
            } else {
                orderForwarded(route, write);
            }
        }
    }

    private void orderForwarded(List<byte[]> route, ReplicaMessages.Write write) {
        Service service = Service.of(write.service()).filter(Service::isWrite).orElse(null);
        if (service == null) {
            forwardAnswers.add(route, ReplicaMessages.Result.error(write.fid(), "'" + write.service() + "' is not a write"));
            return;
        }
        Requests.Write body;
        try {
            body = (Requests.Write) codec.bodyOf(write.request(), Sequencer.requestType(service), write.service());
        } catch (WireFormatException e) {
            forwardAnswers.add(route, ReplicaMessages.Result.error(write.fid(), e.getMessage()));
            return;
        }
        Sequencer.Decision decision = order(service, body, write.fid());
        if (decision.refusal() != null) {
            forwardAnswers.add(route, ReplicaMessages.Result.error(write.fid(), decision.problem()));
            return;
        }
        long seq = decision.entry() != null ? decision.entry().seq() : decision.existingSeq();
        RemoteWrite remote = new RemoteWrite(route, write.fid(), decision.entry() != null);
        if (seq <= commit) {
            answerRemote(remote, seq);
        } else {
            awaitingCommit.computeIfAbsent(seq, s -> new ArrayList<>()).add(remote);
        }
    }

    private void answerRemote(RemoteWrite remote, long seq) {
        forwardAnswers.add(remote.route(), ReplicaMessages.Result.committed(remote.fid(), seq, remote.created()));
    }

    private void sendForwardAnswers() {
        forwardAnswers.drain((route, results) ->
                reply(peers, route, ReplicaMessages.FORWARD, new ReplicaMessages.Forwarded(results), PEER));
    }

    // ---- coordinator ------------------------------------------------------------------------

    private void startLeading() {
        role = Role.LEADER;
        caughtUp = true;
        lagEntries = 0;
        lagMillis = 0;
        closeUpstream();
        tracker = new CommitTracker(properties.replication().minAcks(), commit);
        super.log.info("ordering writes in term {} from seq {}", termFile.term(), log.lastSeq() + 1);
        List<PendingWrite> waiting = new ArrayList<>(forwards.values());
        forwards.clear();
        toForward.clear();
        waiting.forEach(this::orderLocal);
        afterFlush.add(() -> {
            // it may have stepped down again before its first flush
            if (role == Role.LEADER) {
                advanceCommit(tracker.durable(view.self(), log.durableSeq()));
            }
        });
    }

    private void advanceCommit(long newCommit) {
        if (newCommit <= commit && awaitingCommit.isEmpty()) {
            return;
        }
        boolean moved = newCommit > commit;
        commit = Math.max(commit, newCommit);
        Map<Long, List<Object>> due = awaitingCommit.headMap(commit, true);
        for (Map.Entry<Long, List<Object>> e : due.entrySet()) {
            for (Object waiting : e.getValue()) {
                if (waiting instanceof PendingWrite p) {
                    answerPending(p);
                } else if (waiting instanceof RemoteWrite r) {
                    answerRemote(r, e.getKey());
                }
            }
        }
        due.clear();
        if (moved) {
            answerParkedFetches(true);
        }
    }

    /** No longer coordinator: hand waiting writes to whoever leads next; their ids keep them single. */
    private void stepDown() {
        for (List<Object> waiting : awaitingCommit.values()) {
            for (Object w : waiting) {
                if (w instanceof PendingWrite p) {
                    forwards.put(p.id, p);
                } else if (w instanceof RemoteWrite r) {
                    forwardAnswers.add(r.route(), ReplicaMessages.Result.refused(r.fid(), "coordinator changed"));
                }
            }
        }
        awaitingCommit.clear();
        for (ParkedFetch parked : parkedFetches) {
            reply(peers, parked.route(), ReplicaMessages.FETCH, entries(List.of(), null, "not coordinator"), PEER);
        }
        parkedFetches.clear();
        sendForwardAnswers();
        tracker = null;
        role = Role.FOLLOWER;
    }

    // ---- follower -----------------------------------------------------------------------------

    private void connectUpstream(String name, String address) {
        closeUpstream();
        upstream = socket(SocketType.DEALER);
        upstream.connect(address);
        upstreamAddress = address;
        upstreamName = name;
        whenReadable(upstream, this::serveUpstream);
    }

    private void closeUpstream() {
        if (upstream != null) {
            unregister(upstream);
            closeSocket(upstream);
            upstream = null;
            upstreamAddress = null;
            upstreamName = null;
        }
    }

    private void sendFetch() {
        fetchSentAt = System.currentTimeMillis();
        ReplicaMessages.Fetch fetch = new ReplicaMessages.Fetch(view.self(), termFile.term(), log.lastSeq(),
                log.lastTerm(), log.durableSeq(), role == Role.RECOVERING);
        send(upstream, ReplicaMessages.FETCH, fetch);
    }

    /** Forwards writes to the coordinator, many per message (up to a bound in count and bytes). */
    private void sendForwards(Collection<PendingWrite> writes) {
        if (writes.isEmpty() || upstream == null) {
            return;
        }
        long now = System.currentTimeMillis();
        List<ReplicaMessages.Write> batch = new ArrayList<>(Math.min(writes.size(), FORWARD_BATCH));
        int bytes = 0;
        long resendAt = now + properties.replication().retryAfter().toMillis();
        for (PendingWrite write : writes) {
            write.resendAt = resendAt;
            byte[] data = write.request.data();
            batch.add(new ReplicaMessages.Write(write.id, write.write.wireName(), data));
            bytes += data.length;
            if (batch.size() == FORWARD_BATCH || bytes >= FORWARD_BATCH_BYTES) {
                send(upstream, ReplicaMessages.FORWARD, new ReplicaMessages.Forward(view.self(), termFile.term(), batch));
                batch = new ArrayList<>();
                bytes = 0;
            }
        }
        if (!batch.isEmpty()) {
            send(upstream, ReplicaMessages.FORWARD, new ReplicaMessages.Forward(view.self(), termFile.term(), batch));
        }
    }

    /**
     * Forwards go again only when the coordinator has said nothing for {@code retry-after} (it may
     * have lost them: restarted, or dropped them at its high-water mark), and then once per
     * {@code retry-after}. Within one connection TCP loses nothing, so while the coordinator is
     * answering, however slowly, resending would only bury it (and this follower's fetches, which
     * share the connection) deeper.
     */
    /**
     * Sends again each forwarded write whose answer is overdue, or that was refused (soon after).
     * Per write, not per link: a coordinator that keeps answering fetches may still have lost a
     * forward (sent to it as it took over, or refused while it stopped), which must not wait forever.
     */
    private void retryForwards(long now) {
        if (now - forwardsRetriedAt < RETRY_SOON_MS) {
            return;
        }
        forwardsRetriedAt = now;
        List<PendingWrite> due = new ArrayList<>();
        for (PendingWrite p : forwards.values()) {
            if (now >= p.resendAt) {
                due.add(p);
            }
        }
        sendForwards(due);
    }

    private void resendForwards() {
        toForward.clear();
        sendForwards(forwards.values());
    }

    /** Entries from the coordinator (or the recovery source): append those that continue the log. */
    private void takeEntries(ReplicaMessages.Entries answer) {
        if (answer.refused() != null) {
            noticeNotLeading(answer.refused());
            retrySoon();
            return;
        }
        notLeadingSince = 0;
        if (answer.term() < termFile.term() && role == Role.FOLLOWER) {
            super.log.warn("ignoring entries from {} in old term {} (this server is in term {})", answer.node(),
                    answer.term(), termFile.term());
            return;
        }
        try {
            if (role == Role.FOLLOWER) {
                termFile.raise(answer.term());
            }
            if (answer.truncate() != null) {
                truncateTo(answer.truncate());
                afterFlush.add(this::sendFetch);
                return;
            }
        } catch (IOException e) {
            failLog(e);
            return;
        }
        if (logProblem != null) {
            // nothing more is taken while the disk fails (it would only pile up in memory); the
            // fetch goes again on the timer, and the next one succeeds once the disk works
            return;
        }
        List<byte[]> lines = answer.entries() == null ? List.of() : answer.entries();
        long behind = Math.max(0, answer.lastSeq() - log.lastSeq());
        long oldestNew = 0;
        for (byte[] line : lines) {
            long seq = ReplicationLog.seqOf(line);
            if (seq <= log.lastSeq()) {
                continue;
            }
            if (seq == log.lastSeq() + 1 && !log.accepts(line)) {
                corruptions.increment();
                super.log.error("entry {} from {} fails its checksum: not stored; asking again", seq, answer.node());
                break;
            }
            LogEntry entry = seq == log.lastSeq() + 1 ? ReplicationLog.parse(line) : null;
            if (entry == null) {
                gaps.increment();
                super.log.warn("entry {} from {} does not continue the log at {}: asking again", seq, answer.node(),
                        log.lastSeq());
                break;
            }
            if (oldestNew == 0) {
                oldestNew = entry.timestamp().toEpochMilli();
            }
            log.appendLine(entry, line);
            state.apply(entry);
            clocks.lamport().advanceTo(entry.clock());
        }
        if (role == Role.FOLLOWER) {
            commit = Math.max(commit, Math.min(answer.commit(), log.lastSeq()));
        }
        // how far behind this server was when the answer came: the entries it lacked, and how long
        // ago the coordinator ordered the oldest of them (clocks are Berkeley-synced)
        lagEntries = behind;
        lagMillis = oldestNew == 0 ? 0 : Math.max(0, clocks.physical().millis() - oldestNew);
        if (log.lastSeq() >= answer.lastSeq() && role == Role.FOLLOWER && !caughtUp) {
            caughtUp = true;
            super.log.info("caught up with {} at seq {}", answer.node(), log.lastSeq());
        }
        if (role == Role.RECOVERING && answer.lastSeq() < recoveryTarget) {
            // the source cut its own log (it found it damaged): what it had may be on another
            // server only, so choose the source again rather than lead without it
            super.log.warn("recovery source {} now ends at seq {}, before {}: electing again", answer.node(),
                    answer.lastSeq(), recoveryTarget);
            closeUpstream();
            role = Role.FOLLOWER;
            deposedListener.run();
            return;
        }
        if (role == Role.RECOVERING && log.lastSeq() >= recoveryTarget) {
            afterFlush.add(() -> {
                // unless the flush failed or a damaged line was found meanwhile (then it stepped down)
                if (role == Role.RECOVERING && canLead()) {
                    startLeading();
                }
            });
        } else if (lines.isEmpty() && upstream != null) {
            sendFetch();
        }
    }

    /**
     * A follower whose coordinator keeps saying it is not coordinator (it stepped down: its disk
     * fails, or its log is being repaired) asks for an election, so that another server leads.
     */
    private void noticeNotLeading(String refused) {
        if (role != Role.FOLLOWER || !"not coordinator".equals(refused)) {
            return;
        }
        long now = System.currentTimeMillis();
        if (notLeadingSince == 0) {
            notLeadingSince = now;
        } else if (now - notLeadingSince > NOT_LEADING_PATIENCE_MS) {
            notLeadingSince = 0;
            notLeadingListener.run();
        }
    }

    /** The answering server could not serve yet (recovering, or not coordinator): ask again shortly. */
    private void retrySoon() {
        fetchSentAt = System.currentTimeMillis() - properties.replication().retryAfter().toMillis() + RETRY_SOON_MS;
    }

    private void truncateTo(long seq) throws IOException {
        super.log.warn("the coordinator's log differs after seq {}: cutting this server's log back", seq);
        log.truncateAfter(seq);
        state.rebuild(log::forEach);
    }

    private void takeForwarded(ReplicaMessages.Forwarded answer) {
        List<ReplicaMessages.Result> results = answer.results() == null ? List.of() : answer.results();
        for (ReplicaMessages.Result result : results) {
            PendingWrite write = forwards.get(result.fid());
            if (write == null) {
                continue;
            }
            if (result.refused() != null) {
                write.resendAt = System.currentTimeMillis() + RETRY_SOON_MS;
                continue;
            }
            forwards.remove(result.fid());
            write.reply = result.error() != null
                    ? WriteErrors.reply(write.write, result.error()) : WriteErrors.success(write.write);
            write.seq = result.seq();
            write.created = result.created();
            if (write.seq == 0 || write.seq <= log.durableSeq()) {
                answerPending(write);
            } else {
                awaitingApply.computeIfAbsent(write.seq, s -> new ArrayList<>()).add(write);
            }
        }
    }

    /** Answers forwarded writes whose entry this server now holds too (so it reads its own writes). */
    private void releaseApplied() {
        Map<Long, List<PendingWrite>> due = awaitingApply.headMap(log.durableSeq(), true);
        due.values().forEach(list -> list.forEach(this::answerPending));
        due.clear();
    }

    // ---- shared -------------------------------------------------------------------------------

    /**
     * Brings the user-facing files up to the commit point, once per {@code view-interval}: they are
     * views of the log (rebuilt from it after a crash), so they stay off the path of each request.
     */
    private void writeViews(long now) {
        viewsWrittenAt = now;
        try {
            if (views.damage() != null) {
                corruptions.increment();
                lastCorruption = views.damage();
                super.log.error("{}: writing the files again from the log", views.damage());
                views.rebuild();
            }
            long upTo = Math.min(Math.min(commit, log.durableSeq()), views.appliedSeq() + VIEW_CHUNK);
            if (upTo <= views.appliedSeq() && !views.hasPending()) {
                return;
            }
            log.entries(views.appliedSeq(), upTo).forEach(views::apply);
            views.commit();
            if (viewProblem != null) {
                super.log.info("the files can be written again");
                viewProblem = null;
            }
        } catch (IOException | RuntimeException e) {
            storageFailures.increment();
            if (viewProblem == null) {
                super.log.error("cannot write the files; writes are refused until they can be written", e);
            }
            viewProblem = "cannot write the files: " + e;
        }
    }

    /**
     * A line of this server's log failed its check on a read: cut the log there, rebuild the state
     * from what is left, and fetch the rest again. A coordinator steps down first (its copy of
     * committed entries is on at least one other server) and is elected again only with a log that
     * reaches what it knew to be committed, recovered from the most advanced peer.
     */
    private void repairLog() {
        long damaged = log.damagedSeq();
        corruptions.increment();
        lastCorruption = log.lastDamage();
        committedFloor = Math.max(committedFloor, commit);
        if (role != Role.FOLLOWER) {
            super.log.error("this coordinator's log is damaged at seq {}: stepping down to repair it", damaged);
            stepDown();
            closeUpstream();
            deposedListener.run();
        }
        try {
            log.cutDamaged();
            state.rebuild(log::forEach);
        } catch (IOException e) {
            failLog(e);
            return;
        } catch (UncheckedIOException e) {
            failLog(e.getCause());
            return;
        }
        caughtUp = false;
        if (upstream != null) {
            sendFetch();
        }
    }

    private void publishCommitted() {
        for (LogEntry entry : toPublish) {
            publisher.publish(entry);
        }
        toPublish.clear();
    }

    private void reply(ZMQ.Socket socket, List<byte[]> route, String service, Object body, String peer) {
        Stamp stamp = clocks.stamp();
        List<byte[]> frames = new ArrayList<>(route.size() + 1);
        frames.addAll(route);
        frames.add(codec.encode(service, body, stamp));
        if (sendNow(socket, frames) && (socket != peers || !isReplication(service))) {
            messageLog.sent(peer, service, body, stamp);
        }
    }

    private void send(ZMQ.Socket socket, String service, Object body) {
        sendNow(socket, List.of(new byte[0], codec.encode(service, body, clocks.stamp())));
    }

    /**
     * Sends without ever blocking the loop: a peer whose queue is full (its high-water mark) loses
     * this message, which is counted; the other side's retry (a client's, a fetch's, a forward's)
     * makes up for it. ZeroMQ takes or refuses a multipart message whole, at its first frame.
     */
    private boolean sendNow(ZMQ.Socket socket, List<byte[]> frames) {
        for (int i = 0; i < frames.size(); i++) {
            boolean more = i < frames.size() - 1;
            if (!socket.send(frames.get(i), (more ? ZMQ.SNDMORE : 0) | ZMQ.DONTWAIT)) {
                if (i == 0) {
                    sendsDropped.increment();
                    return false;
                }
                throw new IllegalStateException("ZeroMQ refused part " + (i + 1) + " of a message it had begun");
            }
        }
        return true;
    }

    private static boolean isReplication(String service) {
        return ReplicaMessages.FETCH.equals(service) || ReplicaMessages.STATUS.equals(service);
    }

    private static List<byte[]> receive(ZMQ.Socket socket) {
        byte[] first = socket.recv(ZMQ.DONTWAIT);
        if (first == null) {
            return null;
        }
        List<byte[]> frames = new ArrayList<>(4);
        frames.add(first);
        while (socket.hasReceiveMore()) {
            frames.add(socket.recv());
        }
        return frames;
    }

    /**
     * The log (or the term file) could not be written: nothing of the failed group is counted as
     * held here, so it is not acknowledged; client writes are refused until a later write works.
     * A coordinator steps down, as it can no longer order durably.
     */
    private void failLog(IOException e) {
        storageFailures.increment();
        if (logProblem == null) {
            super.log.error("cannot write the log; refusing writes until it can be written", e);
        }
        logProblem = "cannot write the log: " + e;
        if (role != Role.FOLLOWER) {
            super.log.warn("stepping down: a coordinator that cannot write its log cannot order writes");
            stepDown();
            closeUpstream();
            deposedListener.run();
        }
    }

    private void logWorks() {
        if (logProblem != null) {
            super.log.info("the log can be written again");
            logProblem = null;
        }
    }

}
