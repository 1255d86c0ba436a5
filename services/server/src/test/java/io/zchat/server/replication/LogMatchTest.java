package io.zchat.server.replication;

import io.zchat.server.log.LogEntry;
import io.zchat.server.log.ReplicationLog;
import io.zchat.server.store.FsyncPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Logs are simulated as lists of terms: element i is the term of the entry at seq i + 1. Hand-made
 * logs respect what real ones guarantee: terms never decrease, and two logs holding the same term at
 * the same seq agree up to there.
 */
class LogMatchTest {
    private static final Instant T = Instant.parse("2026-03-01T12:00:00Z");

    @TempDir
    Path dir;

    private static long termAt(List<Long> log, long seq) {
        if (seq == 0) {
            return 0;
        }
        return seq > log.size() ? -1 : log.get((int) seq - 1);
    }

    private static long lastSeqOfTermAtMost(List<Long> log, long term) {
        for (int i = 0; i < log.size(); i++) {
            if (log.get(i) > term) {
                return i;
            }
        }
        return log.size();
    }

    /** The answer of a coordinator holding {@code leader} to a follower holding {@code follower}. */
    private static Long ask(List<Long> leader, List<Long> follower) {
        long lastSeq = follower.size();
        long lastTerm = follower.isEmpty() ? 0 : follower.get(follower.size() - 1);
        long lastTermStart = follower.isEmpty() ? 0 : follower.indexOf(lastTerm) + 1;
        return LogMatch.truncateTo(lastSeq, lastTerm, lastTermStart, termAt(leader, lastSeq),
                lastSeqOfTermAtMost(leader, lastTerm), leader.contains(lastTerm));
    }

    private static int commonPrefix(List<Long> a, List<Long> b) {
        int n = 0;
        while (n < a.size() && n < b.size() && a.get(n).equals(b.get(n))) {
            n++;
        }
        return n;
    }

    /**
     * Runs the exchange (ask, cut back, ask again) and returns where the follower's log ends up;
     * it takes at most one round per term of the follower's log, whatever the number of entries.
     */
    private static long converge(List<Long> leader, List<Long> follower) {
        List<Long> log = new ArrayList<>(follower);
        long terms = follower.stream().distinct().count();
        for (int round = 0; round <= follower.size() + 1; round++) {
            Long cut = ask(leader, log);
            if (cut == null) {
                return log.size();
            }
            assertThat(round).as("rounds, for %d term(s) in the follower's log", terms).isLessThan((int) terms);
            assertThat(cut).as("a truncate point moves strictly back").isLessThan(log.size()).isNotNegative();
            assertThat(cut).as("never below the common prefix").isGreaterThanOrEqualTo(commonPrefix(leader, follower));
            log = new ArrayList<>(log.subList(0, cut.intValue()));
        }
        throw new AssertionError("the exchange did not end");
    }

    private static List<Long> terms(long... terms) {
        List<Long> out = new ArrayList<>();
        for (long t : terms) {
            out.add(t);
        }
        return out;
    }

    @Test
    void aMatchingPrefixNeedsNoTruncation() {
        List<Long> leader = terms(1, 1, 2, 2, 4);
        assertThat(ask(leader, terms())).isNull();
        assertThat(ask(leader, terms(1))).isNull();
        assertThat(ask(leader, terms(1, 1, 2))).isNull();
        assertThat(ask(leader, leader)).isNull();
        assertThat(ask(terms(), terms())).isNull();
    }

    @Test
    void aFollowerAheadIsToldToCutBackStrictly() {
        List<Long> leader = terms(1, 1, 2);
        Long cut = ask(leader, terms(1, 1, 2, 2, 2));
        assertThat(cut).isNotNull().isLessThan(5L).isEqualTo(3L);
        assertThat(ask(terms(), terms(1, 1))).isNotNull().isZero();
    }

    @Test
    void aDifferentTermAtTheFollowersLastSeqGivesAStrictlySmallerPoint() {
        Long cut = ask(terms(1, 1, 2, 2), terms(1, 1, 3, 3));
        assertThat(cut).isNotNull().isLessThan(4L);
        cut = ask(terms(1, 1, 3, 3), terms(1, 1, 2, 2));
        assertThat(cut).isNotNull().isLessThan(4L);
        assertThat(ask(terms(2), terms(1))).isZero();
    }

    @Test
    void thePureRuleUsesOnlyWhatItIsGiven() {
        assertThat(LogMatch.truncateTo(5, 3, 4, 3, 9, true)).isNull();
        assertThat(LogMatch.truncateTo(5, 3, 4, 2, 9, true)).isEqualTo(4L);
        assertThat(LogMatch.truncateTo(5, 3, 4, -1, 2, true)).isEqualTo(2L);
        assertThat(LogMatch.truncateTo(1, 3, 1, 2, 0, false)).isEqualTo(0L);
        assertThat(LogMatch.truncateTo(0, 0, 0, 0, 0, true)).isNull();
        // the follower's term 3 began at seq 2 and is nowhere here: everything from seq 2 goes
        assertThat(LogMatch.truncateTo(5, 3, 2, 2, 9, false)).isEqualTo(1L);
        // a follower that does not say where its term began is cut back as before
        assertThat(LogMatch.truncateTo(5, 3, 0, 2, 9, false)).isEqualTo(4L);
    }

    @Test
    void aLaterLastTermIsAheadOfALongerLog() {
        // a deposed coordinator's long tail in term 3 against what the next one committed in term 4
        assertThat(LogMatch.isAhead(4, 265, 3, 366)).isTrue();
        assertThat(LogMatch.isAhead(3, 366, 4, 265)).isFalse();
        assertThat(LogMatch.isAhead(4, 300, 4, 265)).isTrue();
        assertThat(LogMatch.isAhead(4, 265, 4, 265)).isFalse();
        assertThat(LogMatch.isAhead(0, 0, 0, 0)).isFalse();
    }

    @Test
    void theExchangeConvergesToTheCommonPrefix() {
        List<List<List<Long>>> cases = List.of(
                // leader, follower
                List.of(terms(1, 1, 2, 2), terms(1, 1, 3, 3)),
                List.of(terms(1, 1, 3, 3), terms(1, 1, 2, 2, 2)),
                List.of(terms(1, 1, 2, 2, 4), terms(1, 1, 2, 3, 3, 3)),
                List.of(terms(1, 1, 2, 4, 4), terms(1, 1, 2, 2, 2)),
                List.of(terms(1, 1, 1, 5, 5, 5, 5), terms(1, 2, 2, 3, 3, 4, 4, 4, 4)),
                List.of(terms(), terms(1, 1, 2)),
                List.of(terms(2, 2, 2), terms(1, 1, 1, 1, 1, 1, 1, 1)),
                List.of(terms(1, 1, 2, 2, 2, 2, 2, 2, 2, 2), terms(1, 1, 2, 2, 3)),
                List.of(terms(1, 3, 3, 3, 6, 6), terms(1, 3, 3, 4, 5, 5, 5)),
                List.of(terms(1, 1, 2), terms(1, 1, 2, 2, 2)),
                List.of(terms(1, 1, 2, 2, 2), terms(1, 1, 2)),
                List.of(terms(1, 2, 3, 4, 5, 6, 7), terms(1, 2, 3, 4, 5, 6, 7)),
                // a deposed coordinator's long tail, next to a longer run of an earlier term
                List.of(terms(1, 1, 1, 1, 1, 1, 1, 1, 3, 3), terms(1, 1, 2, 2, 2, 2, 2, 2)),
                List.of(terms(1, 1, 1, 1, 1, 1, 4, 4, 4), terms(1, 1, 2, 2, 3, 3, 3, 3, 3)));
        for (List<List<Long>> c : cases) {
            List<Long> leader = c.get(0);
            List<Long> follower = c.get(1);
            assertThat(converge(leader, follower)).as("leader %s, follower %s", leader, follower)
                    .isEqualTo(commonPrefix(leader, follower));
        }
    }

    private ReplicationLog logOfTerms(Path at, long... terms) throws IOException {
        ReplicationLog log = ReplicationLog.open(at, FsyncPolicy.NEVER, 8, e -> { });
        for (int i = 0; i < terms.length; i++) {
            log.append(LogEntry.login(i + 1, terms[i], null, "u" + i, T, i + 1));
        }
        log.flush();
        return log;
    }

    /** Runs the exchange between two real logs; returns the rounds it took. */
    private static int exchange(ReplicationLog leader, ReplicationLog follower) throws IOException {
        int rounds = 0;
        Long cut;
        while ((cut = LogMatch.truncateTo(leader, follower.lastSeq(), follower.lastTerm(),
                follower.lastTermStart())) != null) {
            assertThat(cut).isLessThan(follower.lastSeq());
            follower.truncateAfter(cut);
            assertThat(++rounds).isLessThan(10);
        }
        return rounds;
    }

    @Test
    void theExchangeBetweenTwoRealLogsEndsAtTheCommonPrefix() throws IOException {
        try (ReplicationLog leader = logOfTerms(dir.resolve("leader"), 1, 1, 2, 2, 4, 4);
             ReplicationLog follower = logOfTerms(dir.resolve("follower"), 1, 1, 2, 3, 3, 3, 3)) {
            exchange(leader, follower);
            assertThat(follower.lastSeq()).isEqualTo(3);
            assertThat(follower.lastTerm()).isEqualTo(2);
        }
    }

    /** Found under load: a server deposed after ordering 1,000 writes alone cut them back one per fetch, for minutes. */
    @Test
    void aDeposedCoordinatorsTailGoesInOneRound() throws IOException {
        long[] leaderTerms = new long[1200];
        long[] followerTerms = new long[1000];
        Arrays.fill(leaderTerms, 0, 1100, 11);
        Arrays.fill(leaderTerms, 1100, 1200, 13);
        Arrays.fill(followerTerms, 0, 40, 11);
        Arrays.fill(followerTerms, 40, 1000, 12);
        try (ReplicationLog leader = logOfTerms(dir.resolve("leader"), leaderTerms);
             ReplicationLog follower = logOfTerms(dir.resolve("follower"), followerTerms)) {
            assertThat(follower.lastTermStart()).isEqualTo(41);
            assertThat(leader.holdsTerm(12)).isFalse();
            assertThat(leader.holdsTerm(13)).isTrue();
            assertThat(exchange(leader, follower)).isEqualTo(1);
            assertThat(follower.lastSeq()).isEqualTo(40);
            assertThat(follower.lastTerm()).isEqualTo(11);
            assertThat(follower.lastTermStart()).isEqualTo(1);
        }
    }
}
