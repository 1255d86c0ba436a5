package io.zchat.loadgen;

import io.zchat.shared.clock.Clocks;
import io.zchat.shared.wire.Requests;
import io.zchat.shared.wire.Service;
import io.zchat.shared.wire.WireCodec;

import java.util.SplittableRandom;

/**
 * What to send next, in the contract's own terms: a kind drawn from the mix, and its encoded
 * request. A post's text starts with {@code lg:<nanoTime>:} so that a subscriber in this process
 * can tell how long it took to arrive.
 */
public final class Workload {
    public static final String TEXT_PREFIX = "lg:";

    private final LoadProperties properties;
    private final WireCodec codec;
    private final Clocks clocks;
    private final SplittableRandom random;
    private final String padding;
    private final double publishBelow;
    private final double messageBelow;
    private final String idPrefix;
    private long sequence;

    /** @param idPrefix unique to this workload in this run, so that request ids never repeat */
    public Workload(LoadProperties properties, WireCodec codec, Clocks clocks, long seed, String idPrefix) {
        this.idPrefix = idPrefix;
        this.properties = properties;
        this.codec = codec;
        this.clocks = clocks;
        this.random = new SplittableRandom(seed);
        this.padding = "x".repeat(properties.messageSize());
        double total = properties.publish() + properties.message() + properties.history();
        this.publishBelow = properties.publish() / total;
        this.messageBelow = (properties.publish() + properties.message()) / total;
    }

    public static String user(int i) {
        return "lg-user-" + i;
    }

    public static String channel(int i) {
        return "lg-" + i;
    }

    public Kind nextKind() {
        double r = random.nextDouble();
        return r < publishBelow ? Kind.PUBLISH : r < messageBelow ? Kind.MESSAGE : Kind.HISTORY;
    }

    /** The encoded request of {@code kind}; {@code sentNanos} goes into the text of a post. */
    public byte[] encode(Kind kind, long sentNanos) {
        String from = user(random.nextInt(properties.users()));
        String id = idPrefix + (++sequence);
        return switch (kind) {
            case PUBLISH -> codec.encode(Service.PUBLISH.wireName(), new Requests.Publish(from,
                    channel(random.nextInt(properties.channels())), text(sentNanos), id), clocks.stamp());
            case MESSAGE -> codec.encode(Service.MESSAGE.wireName(), new Requests.Message(from,
                    user(random.nextInt(properties.users())), text(sentNanos), id), clocks.stamp());
            case HISTORY -> codec.encode(Service.HISTORY.wireName(), new Requests.History(
                    channel(random.nextInt(properties.channels())), null, 10, null), clocks.stamp());
        };
    }

    /** The send time a post's text carries, or -1 for text this tool did not write. */
    public static long sentNanos(String text) {
        if (text == null || !text.startsWith(TEXT_PREFIX)) {
            return -1;
        }
        int end = text.indexOf(':', TEXT_PREFIX.length());
        try {
            return Long.parseLong(text.substring(TEXT_PREFIX.length(), end < 0 ? text.length() : end));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private String text(long sentNanos) {
        String head = TEXT_PREFIX + sentNanos + ":";
        return head + padding.substring(0, Math.max(0, properties.messageSize() - head.length()));
    }
}
