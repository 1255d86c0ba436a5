package io.zchat.server.bench;

import io.zchat.server.log.LogEntry;
import io.zchat.server.log.ReplicationLog;
import io.zchat.server.store.FsyncPolicy;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The ordering path's storage: a group of 64 posts appended to the replication log and flushed
 * (written to the OS; with {@code fsync=BATCH} also fsynced), per entry; and one line's encode/parse.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ReplicationLogBenchmark {
    private static final int GROUP = 64;

    @Param({"NEVER", "BATCH"})
    public FsyncPolicy fsync;

    private Path dir;
    private ReplicationLog log;
    private long seq;
    private final Instant at = Instant.parse("2026-11-27T12:00:00.123Z");
    private final String text = "x".repeat(100);
    private byte[] line;

    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = Files.createTempDirectory("zchat-jmh-log");
        log = ReplicationLog.open(dir, fsync, 100_000, e -> { });
        line = ReplicationLog.encode(entry(1));
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        log.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    @OperationsPerInvocation(GROUP)
    public long appendGroupAndFlush() throws IOException {
        for (int i = 0; i < GROUP; i++) {
            log.append(entry(++seq));
        }
        log.flush();
        return log.durableSeq();
    }

    @Benchmark
    public byte[] encodeEntry() {
        return ReplicationLog.encode(entry(42));
    }

    @Benchmark
    public LogEntry parseEntry() {
        return ReplicationLog.parse(line);
    }

    private LogEntry entry(long s) {
        return LogEntry.post(s, 1, "id-" + s, "bot-4821", "general", text, at, s);
    }
}
