package io.zchat.shared.bench;

import io.zchat.shared.wire.Envelope;
import io.zchat.shared.wire.Requests;
import io.zchat.shared.wire.Stamp;
import io.zchat.shared.wire.WireCodec;
import io.zchat.shared.wire.WireFormatException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

import java.time.Instant;
import java.util.concurrent.TimeUnit;

/** What every hop pays per message: MessagePack encode, decode, and binding to a request record (through a tree, or straight from the frame). */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class WireCodecBenchmark {
    private final WireCodec codec = new WireCodec();
    private final Requests.Publish publish = new Requests.Publish("bot-4821", "general", "x".repeat(100),
            "0b0e2f6c-8d1a-4f7e-9a51-3c2b7d9e4f10");
    private final Stamp stamp = new Stamp(Instant.parse("2026-11-27T12:00:00.123Z"), 4242);
    private final byte[] frame = codec.encode("publish", publish, stamp);

    @Benchmark
    public byte[] encodePublish() {
        return codec.encode("publish", publish, stamp);
    }

    @Benchmark
    public Envelope decodePublish() throws WireFormatException {
        return codec.decode(frame);
    }

    @Benchmark
    public Requests.Publish decodeAndBindPublish() throws WireFormatException {
        return codec.body(codec.decode(frame), Requests.Publish.class);
    }

    /** The path a server takes now: the frame's outline, then its data map bound straight to the record. */
    @Benchmark
    public Requests.Publish readAndBindPublish() throws WireFormatException {
        return codec.body(codec.read(frame), Requests.Publish.class);
    }
}
