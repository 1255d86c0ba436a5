package io.zchat.server.net;

import io.zchat.server.ServerProperties;
import io.zchat.server.cluster.ClusterView;
import io.zchat.server.log.ReplicationLog;
import io.zchat.server.log.TermFile;
import io.zchat.server.replication.ReplicaMessages;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.ZMQ;

import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The DEALER to the coordinator (or, while recovering, to the recovery source), at most one at a
 * time, on the server loop's thread: fetches go on it, one outstanding, sent again when overdue.
 */
final class Upstream {
    static final long RETRY_SOON_MS = 100;
    /** Fetches sent again without any answer in between before the link itself is replaced. */
    static final int RECONNECT_AFTER_UNANSWERED = 3;
    private static final Logger LOG = LoggerFactory.getLogger(Upstream.class);

    private final Supplier<ZMQ.Socket> open;
    private final Consumer<ZMQ.Socket> close;
    private final Outbox outbox;
    private final ServerProperties properties;
    private final ClusterView view;
    private final TermFile termFile;
    private final ReplicationLog log;
    private final ReplicaState replica;
    private ZMQ.Socket socket;
    private String address;
    private volatile String name;
    private long fetchSentAt;
    private int unanswered;

    /**
     * @param open  a new DEALER of the loop's, polled by it
     * @param close stops polling a socket from {@code open} and closes it
     */
    Upstream(Supplier<ZMQ.Socket> open, Consumer<ZMQ.Socket> close, Outbox outbox, ServerProperties properties,
             ClusterView view, TermFile termFile, ReplicationLog log, ReplicaState replica) {
        this.open = open;
        this.close = close;
        this.outbox = outbox;
        this.properties = properties;
        this.view = view;
        this.termFile = termFile;
        this.log = log;
        this.replica = replica;
    }

    void connect(String name, String address) {
        close();
        unanswered = 0;
        socket = open.get();
        socket.connect(address);
        this.address = address;
        this.name = name;
    }

    void close() {
        if (socket != null) {
            close.accept(socket);
            socket = null;
            address = null;
            name = null;
        }
    }

    boolean isOpen() {
        return socket != null;
    }

    /** The socket while connected, or null. */
    ZMQ.Socket socket() {
        return socket;
    }

    String address() {
        return address;
    }

    String name() {
        return name;
    }

    void send(String service, Object body) {
        outbox.send(socket, service, body);
    }

    void sendFetch() {
        fetchSentAt = System.currentTimeMillis();
        ReplicaMessages.Fetch fetch = new ReplicaMessages.Fetch(view.self(), termFile.term(), log.lastSeq(),
                log.lastTerm(), log.lastTermStart(), log.durableSeq(), replica.role == ServerLoop.Role.RECOVERING, replica.caughtUp);
        send(ReplicaMessages.FETCH, fetch);
    }

    /**
     * Sends the overdue fetch again. A link that stays silent through several of them is replaced
     * by a new connection to the same coordinator: the peer may have lost this connection's state
     * while this side still sees it open, and waiting on it would leave this server behind for good.
     */
    void resendFetch() {
        if (++unanswered >= RECONNECT_AFTER_UNANSWERED) {
            LOG.warn("{} answered none of the last {} fetches (a lost connection, or answers over "
                    + "chat.zmq.max-message-size that this side drops): reconnecting", name, unanswered);
            connect(name, address);
        }
        sendFetch();
    }

    /** A fetch answer came (whatever it says): the link works. */
    void answered() {
        unanswered = 0;
    }

    /** Whether the last fetch has had no answer for {@code retry-after}. */
    boolean fetchOverdue(long now) {
        return socket != null && now - fetchSentAt > properties.replication().retryAfter().toMillis();
    }

    /** The answering server could not serve yet (recovering, or not coordinator): ask again shortly. */
    void retrySoon() {
        fetchSentAt = System.currentTimeMillis() - properties.replication().retryAfter().toMillis() + RETRY_SOON_MS;
    }
}
