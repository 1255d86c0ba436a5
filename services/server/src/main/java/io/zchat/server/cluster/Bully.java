package io.zchat.server.cluster;

import io.zchat.shared.wire.Replies;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** The rules of the bully election, apart from any socket. Rank 1 is the best. */
public final class Bully {
    private Bully() {
    }

    /** The servers an election must ask: alive ones with a better rank than {@code myRank}, best first. */
    public static List<Replies.ServerInfo> better(List<Replies.ServerInfo> alive, int myRank) {
        return byRank(alive.stream().filter(s -> s.rank() != null && s.rank() < myRank).toList());
    }

    /** The ranked servers, best first: whom a stopping coordinator asks to elect its successor. */
    public static List<Replies.ServerInfo> byRank(List<Replies.ServerInfo> servers) {
        return servers.stream().filter(s -> s.rank() != null)
                .sorted(Comparator.comparingInt(Replies.ServerInfo::rank)).toList();
    }

    /** The rightful coordinator among the alive servers: the best rank. */
    public static Optional<Replies.ServerInfo> rightful(List<Replies.ServerInfo> alive) {
        return alive.stream().filter(s -> s.rank() != null).min(Comparator.comparingInt(Replies.ServerInfo::rank));
    }

    /** True when a server of {@code myRank} must contest a coordinator of {@code coordinatorRank}. */
    public static boolean shouldChallenge(int myRank, Integer coordinatorRank) {
        return coordinatorRank == null || myRank < coordinatorRank;
    }
}
