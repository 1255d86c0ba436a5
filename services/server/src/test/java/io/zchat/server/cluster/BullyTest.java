package io.zchat.server.cluster;

import io.zchat.shared.wire.Replies.ServerInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class BullyTest {
    private static ServerInfo server(int rank) {
        return new ServerInfo("server-" + rank, rank, "tcp://127.0.0.1:" + (7000 + rank));
    }

    private static List<ServerInfo> servers(int... ranks) {
        return Arrays.stream(ranks).mapToObj(BullyTest::server).toList();
    }

    private static List<Integer> ranks(List<ServerInfo> servers) {
        return servers.stream().map(ServerInfo::rank).toList();
    }

    @Test
    void betterListsOnlyBetterRankedAliveServersBestFirst() {
        List<ServerInfo> alive = servers(4, 2, 5, 1);
        assertThat(ranks(Bully.better(alive, 4))).containsExactly(1, 2);
        assertThat(ranks(Bully.better(alive, 5))).containsExactly(1, 2, 4);
        assertThat(ranks(Bully.better(alive, 3))).containsExactly(1, 2);
    }

    @Test
    void betterSkipsDeadServers() {
        // 1 and 2 are known but dead: only alive ones are asked
        assertThat(ranks(Bully.better(servers(3, 4), 4))).containsExactly(3);
        assertThat(Bully.better(servers(4), 4)).isEmpty();
    }

    @Test
    void rankOneHasNobodyToAsk() {
        assertThat(Bully.better(servers(1, 2, 3), 1)).isEmpty();
    }

    @Test
    void betterIgnoresServersWithoutRank() {
        List<ServerInfo> alive = List.of(server(2), new ServerInfo("nameless", null, "tcp://127.0.0.1:7999"));
        assertThat(ranks(Bully.better(alive, 3))).containsExactly(2);
    }

    @Test
    void successorsAreAskedBestFirstAndOnlyIfRanked() {
        List<ServerInfo> peers = List.of(server(3), new ServerInfo("nameless", null, "tcp://127.0.0.1:7999"), server(2));
        assertThat(ranks(Bully.byRank(peers))).containsExactly(2, 3);
    }

    @Test
    void rightfulIsTheLowestAliveRank() {
        assertThat(Bully.rightful(servers(3, 1, 2))).map(ServerInfo::name).contains("server-1");
        assertThat(Bully.rightful(servers(5, 3, 4))).map(ServerInfo::name).contains("server-3");
        assertThat(Bully.rightful(servers(7))).map(ServerInfo::name).contains("server-7");
        assertThat(Bully.rightful(List.of())).isEmpty();
    }

    @Test
    void betterRankedServerChallengesWorseCoordinator() {
        assertThat(Bully.shouldChallenge(1, 2)).isTrue();
        assertThat(Bully.shouldChallenge(2, 5)).isTrue();
    }

    @Test
    void worseOrSameRankedServerDoesNotChallenge() {
        assertThat(Bully.shouldChallenge(3, 1)).isFalse();
        assertThat(Bully.shouldChallenge(2, 1)).isFalse();
        assertThat(Bully.shouldChallenge(2, 2)).isFalse();
    }

    @Test
    void unknownCoordinatorRankIsChallenged() {
        assertThat(Bully.shouldChallenge(3, null)).isTrue();
        assertThat(Bully.shouldChallenge(1, null)).isTrue();
    }

    /**
     * An election as the loop runs it: the starter asks the better-ranked alive servers; if there are
     * none it wins, otherwise each one that answers runs its own election, so the best answering one
     * goes on. Dead servers are never in the alive list, so they never answer.
     */
    private static ServerInfo elect(List<ServerInfo> alive, ServerInfo starter) {
        ServerInfo current = starter;
        Set<String> visited = new LinkedHashSet<>();
        while (visited.add(current.name())) {
            List<ServerInfo> better = Bully.better(alive, current.rank());
            if (better.isEmpty()) {
                return current;
            }
            current = better.get(0);
        }
        throw new AssertionError("election went round in circles: " + visited);
    }

    @ParameterizedTest(name = "known {0}, alive {1}, {2} starts -> {3} wins")
    @CsvSource(delimiter = ';', value = {
            "1 2 3; 2 3;   3; 2",
            "1 2 3; 1 2 3; 3; 1",
            "1 2 3; 1 2 3; 2; 1",
            "1 2 3; 1 2 3; 1; 1",
            "1 2 3; 3;     3; 3",
            "1 2 3; 1 3;   3; 1",
            "1 2 3 4 5; 2 4 5; 5; 2",
            "1 2 3 4 5; 4 5;   4; 4",
    })
    void electionEndsWithTheBestAliveServer(String known, String alive, int starter, int winner) {
        List<ServerInfo> aliveServers = Arrays.stream(alive.trim().split("\\s+"))
                .map(Integer::parseInt).map(BullyTest::server).toList();
        assertThat(Arrays.stream(known.trim().split("\\s+")).map(Integer::parseInt).toList())
                .containsAll(ranks(aliveServers));

        ServerInfo won = elect(aliveServers, server(starter));

        assertThat(won.rank()).isEqualTo(winner);
        assertThat(Bully.better(aliveServers, won.rank())).isEmpty();
        assertThat(Bully.rightful(aliveServers)).contains(won);
        // once it announces itself, nobody alive has grounds to challenge it
        for (ServerInfo s : aliveServers) {
            assertThat(Bully.shouldChallenge(s.rank(), won.rank())).as("%s challenges", s.name()).isFalse();
        }
    }
}
