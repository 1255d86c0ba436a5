package io.zchat.server.cluster;

import io.zchat.shared.config.NodeProperties;
import io.zchat.shared.wire.Replies;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What this server knows about the cluster: its rank, the coordinator, the alive servers. Written
 * by the cluster loop, read by any thread (health, metrics, the request loop).
 */
@Component
public class ClusterView {
    private final String self;
    private final AtomicLong clientRequests = new AtomicLong();
    private volatile Integer rank;
    private volatile String coordinator;
    private volatile List<Replies.ServerInfo> alive = List.of();
    private volatile boolean leaving;

    public ClusterView(NodeProperties node) {
        this.self = node.nodeName();
    }

    public String self() {
        return self;
    }

    public Integer rank() {
        return rank;
    }

    void rank(int rank) {
        this.rank = rank;
    }

    public boolean registered() {
        return rank != null;
    }

    void unregistered() {
        this.rank = null;
    }

    public String coordinator() {
        return coordinator;
    }

    void coordinator(String name) {
        this.coordinator = name;
    }

    public boolean isCoordinator() {
        return self.equals(coordinator);
    }

    /** Whether this server is stopping: it then stands in no election and stops none. */
    public boolean leaving() {
        return leaving;
    }

    void leave() {
        this.leaving = true;
    }

    public List<Replies.ServerInfo> alive() {
        return alive;
    }

    void alive(List<Replies.ServerInfo> servers) {
        this.alive = List.copyOf(servers);
    }

    public Optional<Replies.ServerInfo> find(String name) {
        return alive.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** The other alive servers. */
    public List<Replies.ServerInfo> peers() {
        return alive.stream().filter(s -> !s.name().equals(self)).toList();
    }

    /** Counts handled client requests (Berkeley rounds are due every N of them). */
    public void countClientRequests(int n) {
        clientRequests.addAndGet(n);
    }

    public long clientRequests() {
        return clientRequests.get();
    }
}
