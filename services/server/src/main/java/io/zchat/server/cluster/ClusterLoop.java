package io.zchat.server.cluster;

import io.zchat.server.net.ServerLoop;
import io.zchat.server.replication.LogMatch;
import io.zchat.server.replication.ReplicaMessages;
import io.zchat.shared.client.LazyPirate;
import io.zchat.shared.client.RequestFailedException;
import io.zchat.shared.clock.Clocks;
import io.zchat.shared.config.Endpoints;
import io.zchat.shared.config.NodeProperties;
import io.zchat.shared.log.MessageLog;
import io.zchat.shared.wire.Envelope;
import io.zchat.shared.wire.Publications;
import io.zchat.shared.wire.Replies;
import io.zchat.shared.wire.Requests;
import io.zchat.shared.wire.Service;
import io.zchat.shared.wire.Stamp;
import io.zchat.shared.wire.WireCodec;
import io.zchat.shared.wire.WireFormatException;
import io.zchat.shared.zmq.ZmqLoop;
import io.zchat.shared.zmq.ZmqSettings;
import org.springframework.stereotype.Component;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The server's place in the cluster, on one thread: registers with ref and beats, keeps the list of
 * alive servers, watches the coordinator and runs bully elections, hears announcements on topic
 * {@code servers}, and, while coordinator, runs Berkeley clock rounds. Every outgoing request has a
 * timeout (Lazy Pirate), so a dead peer or ref costs at most that timeout and never blocks the loop.
 */
@Component
public class ClusterLoop extends ZmqLoop {
    private static final String SERVERS = Publications.SERVERS_TOPIC;
    private static final long REANNOUNCE_EVERY_MS = 3000;
    /** A newly registered server elects only once caught up, or after this long without hearing a coordinator. */
    private static final long UNANNOUNCED_GRACE_MS = REANNOUNCE_EVERY_MS + 1000;
    private static final int TERM_ROUNDS = 3;
    /** How long a registered server may stay behind before it watches (and may replace) the coordinator. */
    private static final long CATCH_UP_PATIENCE_MS = 15_000;
    /** Clock readings per server per Berkeley round, at most; the quickest is used. */
    private static final int CLOCK_POLLS = 3;
    /** A reading this quick (error at most 1 ms) needs no other. */
    private static final long CLOCK_GOOD_ROUND_TRIP_MS = 2;
    /** Checks in a row the coordinator must miss before an election (see {@link CoordinatorWatch}). */
    private static final int MISSED_CHECKS_TO_ELECT = 2;

    private final ClusterProperties properties;
    private final ClusterView view;
    private final ServerLoop server;
    private final Endpoints.Proxy proxy;
    private final WireCodec codec;
    private final Clocks clocks;
    private final MessageLog messageLog;
    private final boolean verboseSync;
    private final Map<String, LazyPirate> peers = new HashMap<>();
    private final Duration peerTimeout;
    private LazyPirate ref;
    private ZMQ.Socket sub;
    private ZMQ.Socket pub;
    private long nextBeat;
    private long announcementDeadline;
    private long nextAnnounce;
    private long nextSyncAt;
    private long syncedAtCount;
    private boolean refReachable = true;
    private long electAfter;
    private final LeadHandover handover = new LeadHandover();
    private final CoordinatorWatch coordinatorWatch = new CoordinatorWatch(MISSED_CHECKS_TO_ELECT);
    /** The coordinator whose check just failed, until a check is answered or a coordinator announced. */
    private String unreachable;

    public ClusterLoop(ClusterProperties properties, ClusterView view, ServerLoop server, Endpoints.Proxy proxy,
                       ZmqSettings zmq, WireCodec codec, Clocks clocks, MessageLog messageLog, NodeProperties node) {
        super("cluster-loop", zmq);
        this.properties = properties;
        this.view = view;
        this.server = server;
        server.onElectionRequest(() -> execute(this::electionRequested));
        server.onDeposed(term -> execute(() -> deposed(term)));
        server.onCoordinatorNotLeading(() -> execute(this::coordinatorNotLeading));
        server.onCoordinatorLinkLost(name -> execute(() -> coordinatorLinkLost(name)));
        this.proxy = proxy;
        this.codec = codec;
        this.clocks = clocks;
        this.messageLog = messageLog;
        this.verboseSync = node.logMessages();
        this.peerTimeout = properties.election().timeout();
    }

    @Override
    protected void open() {
        ref = new LazyPirate(context(), properties.ref().endpoint(), "ref", codec, clocks, messageLog, zmq);
        sub = socket(SocketType.SUB);
        sub.connect(proxy.xpub());
        sub.subscribe(SERVERS.getBytes(StandardCharsets.UTF_8));
        pub = socket(SocketType.PUB);
        pub.connect(proxy.xsub());
        whenReadable(sub, this::onAnnouncement);
    }

    @Override
    protected void onTick(long now) {
        if (now >= nextBeat) {
            nextBeat = now + properties.heartbeat().interval().toMillis();
            beat();
            if (view.registered() && !view.isCoordinator() && announcementDeadline == 0 && electAfter == 0) {
                checkCoordinator();
            } else if (electAfter > 0 && view.coordinator() == null) {
                findCoordinator();
            }
        }
        if (electAfter > 0 && (server.caughtUp() || (view.coordinator() == null && now >= electAfter))) {
            electAfter = 0;
            elect();
        } else if (electAfter > 0 && now >= electAfter + CATCH_UP_PATIENCE_MS) {
            log.warn("not caught up {} ms after registering: watching the coordinator anyway", CATCH_UP_PATIENCE_MS);
            electAfter = 0;
        }
        if (announcementDeadline > 0 && now > announcementDeadline) {
            announcementDeadline = 0;
            log.info("no coordinator announced itself after the election: electing again");
            elect();
        }
        if (view.isCoordinator()) {
            if (now >= nextAnnounce) {
                announce();
            }
            long handled = view.clientRequests();
            if (now >= nextSyncAt || handled - syncedAtCount >= properties.clock().syncEvery()) {
                syncedAtCount = handled;
                nextSyncAt = now + properties.clock().syncInterval().toMillis();
                berkeleyRound();
            }
        }
    }

    /**
     * Stopping (Spring stops this loop before the server loop, which it depends on): stand in no
     * election from now on. A coordinator first stops its server loop, which answers the writes
     * in flight (its followers still fetch from it), then asks the others to elect a successor at
     * once, rather than leave them to notice after two missed checks.
     */
    @Override
    protected void onDrainStart() {
        view.leave();
        if (!view.isCoordinator()) {
            return;
        }
        server.stop();
        view.coordinator(null);
        List<Replies.ServerInfo> successors = Bully.byRank(view.peers());
        log.info("stopped as coordinator: asking {} to elect a successor now",
                successors.stream().map(Replies.ServerInfo::name).toList());
        for (Replies.ServerInfo peer : successors) {
            try {
                call(peer(peer.address()), Service.ELECTION, new Requests.Empty(), Replies.Election.class, 0);
            } catch (RequestFailedException e) {
                log.debug("{} did not answer the election request: {}", peer.name(), e.getMessage());
            }
        }
    }

    @Override
    protected void onStop() {
        peers.values().forEach(LazyPirate::close);
        peers.clear();
        if (ref != null) {
            ref.close();
        }
    }

    /** A worse-ranked server asked us: bully it by running our own election (or re-announcing). */
    void electionRequested() {
        if (!view.registered()) {
            return;
        }
        if (electAfter > 0) {
            if (view.coordinator() != null) {
                return; // catching up with a known coordinator: elect once caught up
            }
            electAfter = 0; // nobody leads that this server knows of either
        }
        if (view.isCoordinator()) {
            announce();
        } else if (announcementDeadline == 0) {
            elect();
        }
    }

    /**
     * The server loop stopped leading {@code term} (a later term exists): elect again at the next
     * beat, unless this loop has since handed it a later term to lead (see {@link LeadHandover}).
     */
    private void deposed(long term) {
        if (!handover.isCurrent(term)) {
            log.debug("step-down from term {} predates term {}, handed over since: ignored", term,
                    handover.handed());
            return;
        }
        if (view.isCoordinator()) {
            log.info("no longer coordinator (a later term exists): electing again");
            view.coordinator(null);
        }
    }

    /**
     * The coordinator keeps refusing this server's fetches as "not coordinator" (it stepped down:
     * its disk fails or its log is being repaired) while nobody else announced: elect, so that
     * the best server able to lead takes over.
     */
    private void coordinatorNotLeading() {
        if (view.registered() && !view.isCoordinator() && announcementDeadline == 0 && electAfter == 0) {
            log.info("coordinator {} is not ordering writes: election", view.coordinator());
            elect();
        }
    }

    private void beat() {
        try {
            if (!view.registered()) {
                register();
                return;
            }
            Envelope reply = ref.request(Service.HEARTBEAT.wireName(), new Requests.Heartbeat(view.self()),
                    peerTimeout, 1);
            if (reply.data().has("status")) {
                log.warn("ref does not know this server ({}): registering again",
                        reply.data().path("description").asText());
                view.unregistered();
                register();
                return;
            }
            refreshAlive();
            refReachable(true);
        } catch (RequestFailedException e) {
            refReachable(false);
        }
    }

    private void register() {
        Replies.Rank rank = call(ref, Service.RANK, new Requests.Rank(view.self(), properties.peer().address()),
                Replies.Rank.class, 1);
        if (rank.rank() == null) {
            throw new RequestFailedException("ref refused the rank request");
        }
        view.rank(rank.rank());
        refReachable(true);
        refreshAlive();
        log.info("rank {}, peers {}", rank.rank(), view.peers().stream().map(Replies.ServerInfo::name).toList());
        electAfter = System.currentTimeMillis() + UNANNOUNCED_GRACE_MS;
    }

    /**
     * A newly registered server asks its peers whom they follow instead of waiting up to
     * {@link #UNANNOUNCED_GRACE_MS} for an announcement: it follows the first alive coordinator
     * named, and if every peer answers that it knows none, there is nobody to wait for: election.
     * A peer that does not answer leaves the decision to the announcement or the grace period.
     */
    private void findCoordinator() {
        List<Replies.ServerInfo> peers = view.peers();
        if (peers.isEmpty()) {
            return;
        }
        int answered = 0;
        for (Replies.ServerInfo peer : peers) {
            try {
                ReplicaMessages.Status status = call(peer(peer.address()), ReplicaMessages.STATUS,
                        new ReplicaMessages.StatusRequest(view.self(), 0), ReplicaMessages.Status.class);
                answered++;
                String named = status.coordinator();
                if (named != null && !named.equals(view.self()) && view.find(named).isPresent()) {
                    log.info("{} follows {}", peer.name(), named);
                    coordinatorAnnounced(named);
                    return;
                }
            } catch (RequestFailedException e) {
                log.debug("{} did not say whom it follows: {}", peer.name(), e.getMessage());
            }
        }
        if (answered == peers.size()) {
            log.info("none of {} peer(s) knows a coordinator: election", answered);
            electAfter = 0;
            elect();
        }
    }

    private void refreshAlive() {
        view.alive(call(ref, Service.LIST, new Requests.Empty(), Replies.ServerList.class, 1).list());
    }

    private void refReachable(boolean reachable) {
        if (reachable != refReachable) {
            if (reachable) {
                log.info("ref is reachable again");
            } else {
                log.warn("ref at {} does not answer; retrying every {}", properties.ref().endpoint(),
                        properties.heartbeat().interval());
            }
            refReachable = reachable;
        }
    }

    /**
     * The server loop's connection to the coordinator closed. Checked now rather than at the next
     * beat, and one missed check is enough to elect: a stalled coordinator keeps its connections
     * (two misses protect it), a killed one closes them.
     */
    private void coordinatorLinkLost(String name) {
        if (!name.equals(view.coordinator()) || view.isCoordinator() || !view.registered() || view.leaving()
                || announcementDeadline != 0 || electAfter != 0) {
            return;
        }
        log.info("connection to coordinator {} closed: checking it now", name);
        coordinatorWatch.linkLost(name);
        checkCoordinator();
    }

    private void checkCoordinator() {
        String coordinator = view.coordinator();
        if (coordinator == null) {
            elect();
            return;
        }
        var known = view.find(coordinator);
        if (known.isEmpty()) {
            log.info("coordinator {} is no longer listed by ref: election", coordinator);
            elect();
            return;
        }
        try {
            call(peer(known.get().address()), Service.CLOCK, new Requests.Empty(), Replies.Clock.class, 0);
            coordinatorWatch.answered(coordinator);
            unreachable = null;
        } catch (RequestFailedException e) {
            if (server.linkLostTo(coordinator)) {
                // its connection closed while this loop waited here, with the notice of it queued
                // behind this check: one miss is then enough, as it would be after the notice
                coordinatorWatch.linkLost(coordinator);
            }
            if (coordinatorWatch.missed(coordinator)) {
                log.info("coordinator {} is unreachable: election", coordinator);
                unreachable = coordinator;
                elect();
            } else {
                log.info("coordinator {} did not answer within {} ms ({} of {} missed checks before an election)",
                        coordinator, peerTimeout.toMillis(), coordinatorWatch.misses(), coordinatorWatch.missesToElect());
            }
            return;
        }
        // the server loop may have lost its link while this loop still knows the coordinator (it
        // stepped down between an election and its announcement): following is idempotent, so
        // say it again at every beat rather than trust that the two never drift apart
        server.follow(coordinator, known.get().address());
    }

    /**
     * The alive peers but the coordinator that just failed its check: asked again, it would only
     * time out, once in the election and once more in the term proposal.
     */
    private List<Replies.ServerInfo> reachablePeers() {
        String skipped = unreachable;
        return skipped == null ? view.peers()
                : view.peers().stream().filter(p -> !p.name().equals(skipped)).toList();
    }

    /** Bully: ask every better-ranked alive server; if none answers OK, win. */
    private void elect() {
        Integer rank = view.rank();
        if (rank == null) {
            return;
        }
        boolean answered = false;
        for (Replies.ServerInfo better : Bully.better(reachablePeers(), rank)) {
            try {
                Replies.Election reply = call(peer(better.address()), Service.ELECTION, new Requests.Empty(),
                        Replies.Election.class, 0);
                answered |= "OK".equals(reply.election());
            } catch (RequestFailedException e) {
                log.debug("{} did not answer the election: {}", better.name(), e.getMessage());
            }
        }
        if (answered) {
            announcementDeadline = System.currentTimeMillis() + 4 * peerTimeout.toMillis()
                    + properties.heartbeat().interval().toMillis();
        } else if (server.canLead()) {
            becomeCoordinator();
        } else {
            log.warn("not standing for coordinator: this server cannot write its log ({})", server.storageProblem());
        }
    }

    /**
     * Won the bully election: before ordering anything, take a new term and find the latest log.
     * The term is proposed to every alive peer; a peer takes it only if it is later than any it
     * has (so no term ever has two coordinators) and from then on refuses older coordinators. With
     * {@code min-acks - 1} peers on board (so any committed entry is on one of them or here), the
     * server loop catches up from the most advanced log among them (by last term, then last seq:
     * a longer log that ends in an earlier term holds a deposed coordinator's uncommitted tail,
     * and is cut back to the advanced one), then orders.
     */
    private void becomeCoordinator() {
        announcementDeadline = 0;
        if (view.isCoordinator()) {
            announce();
            return;
        }
        long term = server.term() + 1;
        for (int round = 0; round < TERM_ROUNDS; round++) {
            if (!raiseOwnTerm(term)) {
                term = server.term() + 1;
                continue;
            }
            int accepted = 0;
            long refusedWith = 0;
            ReplicaMessages.Status best = null;
            String bestAddress = null;
            for (Replies.ServerInfo peer : reachablePeers()) {
                try {
                    ReplicaMessages.Status status = call(peer(peer.address()), ReplicaMessages.STATUS,
                            new ReplicaMessages.StatusRequest(view.self(), term), ReplicaMessages.Status.class);
                    if (!status.accepted()) {
                        refusedWith = Math.max(refusedWith, status.term());
                        continue;
                    }
                    accepted++;
                    if (best == null || LogMatch.isAhead(status.lastTerm(), status.lastSeq(), best.lastTerm(),
                            best.lastSeq())) {
                        best = status;
                        bestAddress = peer.address();
                    }
                } catch (RequestFailedException e) {
                    log.debug("{} did not answer the term proposal: {}", peer.name(), e.getMessage());
                }
            }
            if (accepted >= server.minAcks() - 1) {
                view.coordinator(view.self());
                log.info("new coordinator: {} (election, term {})", view.self(), term);
                boolean behind = best != null && LogMatch.isAhead(best.lastTerm(), best.lastSeq(), server.lastTerm(),
                        server.lastSeq());
                handover.handed(term);
                server.lead(term, behind ? bestAddress : null, behind ? best.lastSeq() : 0);
                nextSyncAt = 0;
                announce();
                return;
            }
            if (refusedWith == 0) {
                log.warn("only {} peer(s) took term {}; {} are needed to order writes safely: not leading",
                        accepted, term, server.minAcks() - 1);
                return;
            }
            term = Math.max(refusedWith, server.term()) + 1;
        }
        log.warn("could not take a term after {} rounds (another server is being elected): not leading", TERM_ROUNDS);
    }

    private boolean raiseOwnTerm(long term) {
        try {
            return server.termFile().raise(term);
        } catch (java.io.IOException e) {
            log.error("cannot store term {}: {}", term, e.getMessage());
            return false;
        }
    }

    private void announce() {
        nextAnnounce = System.currentTimeMillis() + REANNOUNCE_EVERY_MS;
        Stamp stamp = clocks.stamp();
        Publications.Coordinator body = new Publications.Coordinator(view.self());
        pub.send(SERVERS.getBytes(StandardCharsets.UTF_8), ZMQ.SNDMORE);
        pub.send(codec.encode(Service.ELECTION, body, stamp), 0);
        messageLog.sent("[" + SERVERS + "]", Service.ELECTION.wireName(), body, stamp);
    }

    private void onAnnouncement() {
        byte[] topic;
        while ((topic = sub.recv(ZMQ.DONTWAIT)) != null) {
            byte[] body = sub.hasReceiveMore() ? sub.recv() : null;
            while (sub.hasReceiveMore()) {
                sub.recv();
            }
            if (body == null || !SERVERS.equals(new String(topic, StandardCharsets.UTF_8))) {
                continue;
            }
            try {
                Envelope envelope = codec.decode(body);
                clocks.received(envelope.stamp());
                messageLog.received("[" + SERVERS + "]", envelope);
                String name = codec.body(envelope, Publications.Coordinator.class).coordinator();
                if (name != null && !name.isBlank()) {
                    coordinatorAnnounced(name);
                }
            } catch (WireFormatException e) {
                log.warn("unreadable announcement on '{}': {}", SERVERS, e.getMessage());
            }
        }
    }

    private void coordinatorAnnounced(String name) {
        announcementDeadline = 0;
        unreachable = null;
        if (name.equals(view.self())) {
            return;
        }
        if (view.find(name).isEmpty()) {
            try {
                refreshAlive();
            } catch (RequestFailedException e) {
                log.debug("cannot refresh the server list: {}", e.getMessage());
            }
        }
        view.find(name).ifPresent(coordinator -> server.follow(name, coordinator.address()));
        if (name.equals(view.coordinator())) {
            return;
        }
        view.coordinator(name);
        log.info("new coordinator: {} (election)", name);
        Integer mine = view.rank();
        Integer theirs = view.find(name).map(Replies.ServerInfo::rank).orElse(null);
        if (mine != null && theirs != null && electAfter == 0 && Bully.shouldChallenge(mine, theirs)) {
            log.info("{} has a worse rank ({}) than this server ({}): taking over", name, theirs, mine);
            elect();
        }
    }

    /** One Berkeley round: poll every alive server's clock, average, send each its correction. */
    private void berkeleyRound() {
        List<BerkeleyAverage.Sample> samples = new ArrayList<>();
        Map<String, String> addresses = new HashMap<>();
        for (Replies.ServerInfo server : view.peers()) {
            BerkeleyAverage.Sample sample = pollClock(server);
            if (sample != null) {
                samples.add(sample);
                addresses.put(server.name(), server.address());
            }
        }
        BerkeleyAverage.Result result = BerkeleyAverage.compute(view.self(), samples,
                properties.clock().outlier().toMillis(), properties.clock().maxRoundTrip().toMillis());
        result.corrections().forEach((name, correction) -> {
            if (name.equals(view.self())) {
                clocks.physical().adjust(correction);
                return;
            }
            try {
                call(peer(addresses.get(name)), Service.SYNC, new Requests.Sync(correction, view.self()),
                        Replies.Status.class, 0);
            } catch (RequestFailedException e) {
                log.debug("{} did not take its correction: {}", name, e.getMessage());
            }
        });
        if (verboseSync || !result.excluded().isEmpty()
                || result.corrections().values().stream().anyMatch(c -> Math.abs(c) >= 5)) {
            log.info("clock round over {} server(s): corrections {} ms, left out {}, lamport {}",
                    result.corrections().size(), result.corrections(), result.excluded(), clocks.lamport().current());
        }
    }

    /**
     * The quickest of up to {@link #CLOCK_POLLS} readings of a server's clock (null when it does not
     * answer): a reading's error is up to half its round trip, and under load a peer's answer often
     * waits behind its clients' requests, so one more poll usually finds a much shorter one.
     */
    private BerkeleyAverage.Sample pollClock(Replies.ServerInfo server) {
        BerkeleyAverage.Sample best = null;
        for (int poll = 0; poll < CLOCK_POLLS; poll++) {
            try {
                long sent = clocks.physical().millis();
                Replies.Clock clock = call(peer(server.address()), Service.CLOCK, new Requests.Empty(),
                        Replies.Clock.class, 0);
                long received = clocks.physical().millis();
                if (clock.time() == null) {
                    return best;
                }
                BerkeleyAverage.Sample sample = new BerkeleyAverage.Sample(server.name(), clock.time(), sent, received);
                if (best == null || sample.roundTrip() < best.roundTrip()) {
                    best = sample;
                }
                if (best.roundTrip() <= CLOCK_GOOD_ROUND_TRIP_MS) {
                    return best;
                }
            } catch (RequestFailedException e) {
                log.debug("{} did not answer the clock poll: {}", server.name(), e.getMessage());
                return best;
            }
        }
        return best;
    }

    private LazyPirate peer(String address) {
        return peers.computeIfAbsent(address, a -> new LazyPirate(context(), a, "peer " + a, codec, clocks,
                messageLog, zmq));
    }

    private <T> T call(LazyPirate to, Service service, Object body, Class<T> type, int retries) {
        return call(to, service.wireName(), body, type, retries);
    }

    private <T> T call(LazyPirate to, String service, Object body, Class<T> type) {
        return call(to, service, body, type, 0);
    }

    private <T> T call(LazyPirate to, String service, Object body, Class<T> type, int retries) {
        Envelope reply = to.request(service, body, peerTimeout, retries);
        try {
            return codec.body(reply, type);
        } catch (WireFormatException e) {
            throw new RequestFailedException(service + ": unreadable reply: " + e.getMessage(), e);
        }
    }
}
