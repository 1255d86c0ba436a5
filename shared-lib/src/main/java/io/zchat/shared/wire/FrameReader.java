package io.zchat.shared.wire;

import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;

/**
 * Reads the outline of a frame with a MessagePack unpacker: the service, the stamp fields of the
 * data map, and the data map's position; every other value is skipped, not copied. Checks what
 * {@link WireCodec#decode} checks, with the same messages.
 */
final class FrameReader {
    private static final MapKeys TOP = new MapKeys("service", "data");
    private static final int SERVICE = 0;
    private static final int DATA = 1;
    private static final MapKeys STAMP = new MapKeys("timestamp", "clock");
    private static final int TIMESTAMP = 0;
    private static final int CLOCK = 1;

    private FrameReader() {
    }

    static Frame read(byte[] frame) throws WireFormatException {
        if (frame == null || frame.length == 0) {
            throw new WireFormatException("empty frame: expected a MessagePack map {service, data}");
        }
        try (MessageUnpacker in = MessagePack.newDefaultUnpacker(frame)) {
            if (in.getNextFormat().getValueType() != ValueType.MAP) {
                in.skipValue();
                requireEnd(in);
                throw new WireFormatException("frame is not a MessagePack map {service, data}");
            }
            int fields = in.unpackMapHeader();
            String service = null;
            boolean dataIsMap = true;
            int dataOffset = 0;
            int dataLength = 0;
            Instant timestamp = null;
            long clock = 0;
            // reported after the structure is known good, in the order the tree decoder reports them
            WireFormatException badTimestamp = null;
            WireFormatException badClock = null;
            byte[] topKey = TOP.scratch();
            byte[] stampKey = STAMP.scratch();
            for (int i = 0; i < fields; i++) {
                int key = key(TOP, in, topKey);
                if (key == SERVICE) {
                    service = in.getNextFormat().getValueType() == ValueType.STRING ? text(in) : skip(in);
                } else if (key == DATA) {
                    ValueType type = in.getNextFormat().getValueType();
                    dataIsMap = type == ValueType.MAP || type == ValueType.NIL;
                    timestamp = null;
                    clock = 0;
                    badTimestamp = null;
                    badClock = null;
                    dataLength = 0;
                    if (type != ValueType.MAP) {
                        in.skipValue();
                        continue;
                    }
                    dataOffset = (int) in.getTotalReadBytes();
                    int entries = in.unpackMapHeader();
                    for (int j = 0; j < entries; j++) {
                        int field = key(STAMP, in, stampKey);
                        if (field == TIMESTAMP) {
                            try {
                                timestamp = timestamp(in);
                                badTimestamp = null;
                            } catch (WireFormatException e) {
                                badTimestamp = e;
                            }
                        } else if (field == CLOCK) {
                            try {
                                clock = clock(in);
                                badClock = null;
                            } catch (WireFormatException e) {
                                badClock = e;
                            }
                        } else {
                            in.skipValue();
                        }
                    }
                    dataLength = (int) in.getTotalReadBytes() - dataOffset;
                } else {
                    in.skipValue();
                }
            }
            requireEnd(in);
            if (service == null || service.isEmpty()) {
                throw new WireFormatException("missing or non-text field 'service'");
            }
            if (!dataIsMap) {
                throw new WireFormatException("field 'data' must be a map");
            }
            if (badTimestamp != null) {
                throw badTimestamp;
            }
            if (badClock != null) {
                throw badClock;
            }
            return new Frame(frame, service, dataOffset, dataLength, new Stamp(timestamp, Math.max(0, clock)));
        } catch (IOException | RuntimeException e) {
            throw new WireFormatException("frame is not valid MessagePack", e);
        }
    }

    /** Throws unless {@code frame} is exactly one MessagePack value. */
    static void requireOneValue(byte[] frame) throws WireFormatException {
        try (MessageUnpacker in = MessagePack.newDefaultUnpacker(frame)) {
            in.skipValue();
            requireEnd(in);
        } catch (IOException | RuntimeException e) {
            throw new WireFormatException("frame is not valid MessagePack", e);
        }
    }

    private static void requireEnd(MessageUnpacker in) throws IOException, WireFormatException {
        if (in.hasNext()) {
            throw new WireFormatException("frame has data after its MessagePack map");
        }
    }

    /** Which of {@code keys} the next map key is; a key that is not text is skipped (OTHER). */
    private static int key(MapKeys keys, MessageUnpacker in, byte[] scratch) throws IOException {
        int key = keys.next(in, scratch);
        if (key == MapKeys.NOT_TEXT) {
            in.skipValue();
            return MapKeys.OTHER;
        }
        return key;
    }

    /**
     * A string value, decoded here: the unpacker's own decoding sets up a 16 KB buffer the first
     * time, which for one small frame per unpacker would be most of the garbage it makes.
     * Malformed UTF-8 becomes U+FFFD, as the unpacker would make it.
     */
    static String text(MessageUnpacker in) throws IOException {
        int length = in.unpackRawStringHeader();
        return length == 0 ? "" : new String(in.readPayload(length), StandardCharsets.UTF_8);
    }

    private static String skip(MessageUnpacker in) throws IOException {
        in.skipValue();
        return null;
    }

    private static Instant timestamp(MessageUnpacker in) throws IOException, WireFormatException {
        MessageFormat format = in.getNextFormat();
        try {
            switch (format.getValueType()) {
                case NIL -> {
                    in.unpackNil();
                    return null;
                }
                case STRING -> {
                    return Timestamps.parse(text(in));
                }
                case INTEGER -> {
                    return Timestamps.fromNumber(new BigDecimal(in.unpackBigInteger()));
                }
                case FLOAT -> {
                    return Timestamps.fromNumber(BigDecimal.valueOf(in.unpackDouble()));
                }
                default -> {
                    in.skipValue();
                }
            }
        } catch (DateTimeException | ArithmeticException e) {
            throw new WireFormatException("field 'timestamp' is not ISO-8601 or epoch time");
        }
        throw new WireFormatException("field 'timestamp' is not ISO-8601 or epoch time");
    }

    private static long clock(MessageUnpacker in) throws IOException, WireFormatException {
        switch (in.getNextFormat().getValueType()) {
            case NIL -> {
                in.unpackNil();
                return 0;
            }
            case INTEGER -> {
                // a uint64 above Long.MAX_VALUE wraps, as the tree decoder's asLong does
                return in.getNextFormat() == MessageFormat.UINT64 ? in.unpackBigInteger().longValue() : in.unpackLong();
            }
            case FLOAT -> {
                return (long) in.unpackDouble();
            }
            case STRING -> {
                try {
                    return Long.parseLong(text(in).trim());
                } catch (NumberFormatException e) {
                    throw new WireFormatException("field 'clock' must be an integer");
                }
            }
            default -> {
                in.skipValue();
                throw new WireFormatException("field 'clock' must be an integer");
            }
        }
    }
}
