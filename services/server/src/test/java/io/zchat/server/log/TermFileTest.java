package io.zchat.server.log;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.assertj.core.api.Assertions.assertThat;

class TermFileTest {
    @TempDir
    Path dir;

    @Test
    void aFreshDirectoryIsInTermZeroAndHasNoFileYet() throws IOException {
        TermFile terms = new TermFile(dir.resolve("new/sub"));
        assertThat(terms.term()).isZero();
        assertThat(dir.resolve("new/sub").resolve(TermFile.FILE)).doesNotExist();
    }

    @Test
    void raisePersistsBeforeReturning() throws IOException {
        TermFile terms = new TermFile(dir);
        assertThat(terms.raise(3)).isTrue();
        assertThat(terms.term()).isEqualTo(3);
        assertThat(dir.resolve(TermFile.FILE)).exists();
        assertThat(dir.resolve(TermFile.FILE + ".tmp")).doesNotExist();
        assertThat(Files.readString(dir.resolve(TermFile.FILE))).contains("3");
        assertThat(new TermFile(dir).term()).isEqualTo(3);
    }

    @Test
    void raiseNeverLowers() throws IOException {
        TermFile terms = new TermFile(dir);
        assertThat(terms.raise(5)).isTrue();
        assertThat(terms.raise(2)).isFalse();
        assertThat(terms.raise(5)).as("a term is taken once").isFalse();
        assertThat(terms.raise(0)).isFalse();
        assertThat(terms.term()).isEqualTo(5);
        assertThat(new TermFile(dir).term()).isEqualTo(5);
    }

    @Test
    void aLowerRaiseDoesNotTouchTheFile() throws IOException {
        TermFile terms = new TermFile(dir);
        terms.raise(4);
        byte[] before = Files.readAllBytes(dir.resolve(TermFile.FILE));
        terms.raise(1);
        assertThat(Files.readAllBytes(dir.resolve(TermFile.FILE))).isEqualTo(before);
    }

    @Test
    void theTermSurvivesReopenAndKeepsRising() throws IOException {
        TermFile first = new TermFile(dir);
        first.raise(1);
        first.raise(7);

        TermFile second = new TermFile(dir);
        assertThat(second.term()).isEqualTo(7);
        assertThat(second.raise(7)).as("taken before the restart").isFalse();
        assertThat(second.raise(6)).isFalse();
        assertThat(second.term()).isEqualTo(7);
        assertThat(second.raise(12)).isTrue();

        TermFile third = new TermFile(dir);
        assertThat(third.term()).isEqualTo(12);
    }

    @Test
    void eachTermIsTakenByExactlyOneOfConcurrentRaises() throws Exception {
        TermFile terms = new TermFile(dir);
        int threads = 4;
        int maxTerm = 40;
        AtomicIntegerArray taken = new AtomicIntegerArray(maxTerm + 1);
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    start.await();
                    for (int term = 1; term <= maxTerm; term++) {
                        if (terms.raise(term)) {
                            taken.incrementAndGet(term);
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        for (int term = 1; term <= maxTerm; term++) {
            assertThat(taken.get(term)).as("term %d", term).isLessThanOrEqualTo(1);
        }
        assertThat(taken.get(maxTerm)).isEqualTo(1);
        assertThat(terms.term()).isEqualTo(maxTerm);
        assertThat(new TermFile(dir).term()).isEqualTo(maxTerm);
    }
}
