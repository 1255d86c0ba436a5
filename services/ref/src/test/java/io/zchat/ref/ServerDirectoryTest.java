package io.zchat.ref;

import io.zchat.ref.ServerDirectory.Server;
import io.zchat.shared.clock.ManualClock;
import io.zchat.shared.wire.Replies.ServerInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ServerDirectoryTest {
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00.000Z");
    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final ManualClock clock = new ManualClock(T0);

    private ServerDirectory empty() {
        return new ServerDirectory(clock, TIMEOUT, List.of());
    }

    private static List<String> names(List<ServerInfo> infos) {
        return infos.stream().map(ServerInfo::name).toList();
    }

    @Test
    void firstNamesGetRanksInOrder() {
        ServerDirectory d = empty();
        assertThat(d.register("server-a", "tcp://a:7000")).isEqualTo(1);
        assertThat(d.register("server-b", "tcp://b:7000")).isEqualTo(2);
        assertThat(d.register("server-c", "tcp://c:7000")).isEqualTo(3);
    }

    @Test
    void knownNameKeepsItsRankAndTakesItsNewAddress() {
        ServerDirectory d = empty();
        d.register("server-a", "tcp://a:7000");
        d.register("server-b", "tcp://b:7000");

        assertThat(d.register("server-a", "tcp://a2:7100")).isEqualTo(1);
        assertThat(d.find("server-a")).get().extracting(Server::rank, Server::address)
                .containsExactly(1, "tcp://a2:7100");
        assertThat(d.register("server-c", "tcp://c:7000")).isEqualTo(3);
    }

    @Test
    void noDuplicateNames() {
        ServerDirectory d = empty();
        d.register("server-a", "tcp://a:7000");
        d.register("server-a", "tcp://a:7001");
        d.register("server-a", "tcp://a:7002");

        assertThat(d.all()).extracting(Server::name).containsExactly("server-a");
        assertThat(names(d.alive())).containsExactly("server-a");
    }

    @Test
    void heartbeatOfUnknownNameIsRefused() {
        ServerDirectory d = empty();
        assertThat(d.heartbeat("ghost")).isFalse();
        assertThat(d.all()).isEmpty();
        assertThat(d.alive()).isEmpty();

        d.register("server-a", "tcp://a:7000");
        assertThat(d.heartbeat("server-a")).isTrue();
        assertThat(d.heartbeat("ghost")).isFalse();
    }

    @Test
    void aliveListsBestRankFirstWithNameRankAndAddress() {
        // known in an order that is not rank order
        ServerDirectory d = new ServerDirectory(clock, TIMEOUT, List.of(
                new Server("server-c", 3, "tcp://c:7000", null),
                new Server("server-a", 1, "tcp://a:7000", null),
                new Server("server-b", 2, "tcp://b:7000", null)));
        d.heartbeat("server-c");
        d.heartbeat("server-a");
        d.heartbeat("server-b");

        assertThat(d.alive()).containsExactly(
                new ServerInfo("server-a", 1, "tcp://a:7000"),
                new ServerInfo("server-b", 2, "tcp://b:7000"),
                new ServerInfo("server-c", 3, "tcp://c:7000"));
    }

    @Test
    void silentServerLeavesAliveAndComesBackAfterHeartbeat() {
        ServerDirectory d = empty();
        d.register("server-a", "tcp://a:7000");
        d.register("server-b", "tcp://b:7000");

        clock.advance(TIMEOUT.minusMillis(500));
        d.heartbeat("server-b");
        assertThat(names(d.alive())).containsExactly("server-a", "server-b");

        clock.advance(Duration.ofMillis(501)); // server-a silent for timeout + 1 ms
        assertThat(names(d.alive())).containsExactly("server-b");
        assertThat(d.find("server-a")).isPresent(); // still known, keeps its rank

        assertThat(d.heartbeat("server-a")).isTrue();
        assertThat(d.alive()).containsExactly(
                new ServerInfo("server-a", 1, "tcp://a:7000"),
                new ServerInfo("server-b", 2, "tcp://b:7000"));
    }

    @Test
    void allSilentMeansNobodyAlive() {
        ServerDirectory d = empty();
        d.register("server-a", "tcp://a:7000");
        clock.advance(Duration.ofMinutes(1));
        assertThat(d.alive()).isEmpty();
        assertThat(d.isAlive(d.find("server-a").orElseThrow())).isFalse();
    }

    @Test
    void directoryFromLoadedListKeepsRanksAndHandsOutTheNextOne() {
        List<Server> loaded = List.of(
                new Server("server-a", 1, "tcp://a:7000", T0.minus(Duration.ofHours(1))),
                new Server("server-b", 2, "tcp://b:7000", T0.minus(Duration.ofHours(1))),
                new Server("server-c", 3, "tcp://c:7000", null));
        ServerDirectory d = new ServerDirectory(clock, TIMEOUT, loaded);

        assertThat(d.alive()).isEmpty(); // nobody has beaten in this run yet
        assertThat(d.register("server-b", "tcp://b2:7000")).isEqualTo(2);
        assertThat(d.register("server-new", "tcp://n:7000")).isEqualTo(4);
        assertThat(d.register("server-a", "tcp://a:7000")).isEqualTo(1);
        assertThat(d.heartbeat("server-c")).isTrue();
        assertThat(d.alive()).extracting(ServerInfo::name, ServerInfo::rank).containsExactly(
                org.assertj.core.groups.Tuple.tuple("server-a", 1),
                org.assertj.core.groups.Tuple.tuple("server-b", 2),
                org.assertj.core.groups.Tuple.tuple("server-c", 3),
                org.assertj.core.groups.Tuple.tuple("server-new", 4));
    }

    @Test
    void nextRankFollowsTheHighestLoadedRankEvenWithGaps() {
        ServerDirectory d = new ServerDirectory(clock, TIMEOUT, List.of(
                new Server("server-x", 5, "tcp://x:7000", null),
                new Server("server-y", 2, "tcp://y:7000", null)));
        assertThat(d.register("server-z", "tcp://z:7000")).isEqualTo(6);
    }

    @Test
    void takeChangedIsTrueOnceAfterEachChange() {
        ServerDirectory d = empty();
        assertThat(d.takeChanged()).isFalse();

        d.register("server-a", "tcp://a:7000");
        assertThat(d.takeChanged()).isTrue();
        assertThat(d.takeChanged()).isFalse();

        d.heartbeat("server-a");
        assertThat(d.takeChanged()).isTrue();
        assertThat(d.takeChanged()).isFalse();

        d.heartbeat("ghost"); // refused: no change
        d.alive();
        d.all();
        assertThat(d.takeChanged()).isFalse();
    }

    @Test
    void loadedDirectoryStartsUnchanged() {
        ServerDirectory d = new ServerDirectory(clock, TIMEOUT,
                List.of(new Server("server-a", 1, "tcp://a:7000", null)));
        assertThat(d.takeChanged()).isFalse();
    }

    @Test
    void fileRoundTripReturnsTheSameServers(@TempDir Path dir) throws IOException {
        ServerDirectoryFile file = new ServerDirectoryFile(dir.resolve("data"));
        List<Server> servers = List.of(
                new Server("server-a", 1, "tcp://a:7000", T0),
                new Server("server-b", 2, "tcp://b:7000", T0.plusMillis(1234)),
                new Server("server-c", 3, "tcp://c:7000", null));

        file.save(servers);

        assertThat(file.path()).exists().hasFileName(ServerDirectoryFile.FILE);
        assertThat(new ServerDirectoryFile(dir.resolve("data")).load()).containsExactlyElementsOf(servers);
    }

    @Test
    void saveReplacesThePreviousContent(@TempDir Path dir) throws IOException {
        ServerDirectoryFile file = new ServerDirectoryFile(dir);
        file.save(List.of(new Server("server-a", 1, "tcp://a:7000", T0)));
        List<Server> second = List.of(
                new Server("server-a", 1, "tcp://a2:7000", T0.plusSeconds(5)),
                new Server("server-b", 2, "tcp://b:7000", T0.plusSeconds(5)));
        file.save(second);

        assertThat(file.load()).containsExactlyElementsOf(second);
        try (var listing = Files.list(dir)) {
            assertThat(listing.map(p -> p.getFileName().toString())).containsExactly(ServerDirectoryFile.FILE);
        }
    }

    @Test
    void loadOfMissingFileIsEmpty(@TempDir Path dir) throws IOException {
        assertThat(new ServerDirectoryFile(dir.resolve("fresh")).load()).isEmpty();
    }

    @Test
    void directorySavedAndReloadedKeepsRanks(@TempDir Path dir) throws IOException {
        ServerDirectory before = empty();
        before.register("server-a", "tcp://a:7000");
        before.register("server-b", "tcp://b:7000");
        ServerDirectoryFile file = new ServerDirectoryFile(dir);
        file.save(before.all());

        ServerDirectory after = new ServerDirectory(clock, TIMEOUT, file.load());
        assertThat(after.register("server-b", "tcp://b:7000")).isEqualTo(2);
        assertThat(after.register("server-c", "tcp://c:7000")).isEqualTo(3);
        assertThat(after.register("server-a", "tcp://a:7000")).isEqualTo(1);
    }
}
