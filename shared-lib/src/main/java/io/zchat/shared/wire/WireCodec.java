package io.zchat.shared.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePacker;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.jackson.dataformat.MessagePackFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The one MessagePack codec of the contract. Decoding is liberal (unknown fields ignored,
 * numeric timestamps, missing clock = 0); encoding is exact (ISO-8601 millisecond timestamps,
 * no null fields). Thread-safe.
 */
public final class WireCodec {
    private static final String SERVICE = "service";
    private static final String DATA = "data";
    private static final String TIMESTAMP = "timestamp";
    private static final String CLOCK = "clock";

    /** Sized for the frame at hand: the default 8 KB first buffer would be most of a request's garbage. */
    private static final MessagePack.PackerConfig FRAME_PACKER = new MessagePack.PackerConfig().withBufferSize(512);

    private final ObjectMapper mapper;

    /** Whether a body type serializes as a map of its own properties, none of them a stamp field. */
    private final ClassValue<Boolean> streamable = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            if (JsonNode.class.isAssignableFrom(type) || Map.class.isAssignableFrom(type)
                    || Iterable.class.isAssignableFrom(type) || type.isArray()) {
                return false;
            }
            List<String> properties = mapperProperties(type);
            return !properties.contains(TIMESTAMP) && !properties.contains(CLOCK);
        }
    };

    /** Records written and bound without databind (see {@link RecordShape}); empty for the rest. */
    private final ClassValue<Optional<RecordShape>> shapes = new ClassValue<>() {
        @Override
        protected Optional<RecordShape> computeValue(Class<?> type) {
            return Optional.ofNullable(RecordShape.of(type, WireCodec.this::mapperProperties));
        }
    };

    public WireCodec() {
        this.mapper = configure(new ObjectMapper(new MessagePackFactory()));
    }

    /** A JSON mapper with the same conventions, for files and log lines. */
    public static ObjectMapper jsonMapper() {
        return configure(new JsonMapper());
    }

    /** The names of the properties the mapper writes for a type, in its order. */
    List<String> mapperProperties(Class<?> type) {
        JavaType javaType = mapper.constructType(type);
        return mapper.getSerializationConfig().introspect(javaType).findProperties().stream()
                .map(BeanPropertyDefinition::getName).toList();
    }

    private static ObjectMapper configure(ObjectMapper mapper) {
        SimpleModule instants = new SimpleModule("contract-instants")
                .addSerializer(Instant.class, new InstantSerializer())
                .addDeserializer(Instant.class, new InstantDeserializer());
        return mapper.registerModule(instants)
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                .setSerializationInclusion(JsonInclude.Include.NON_NULL);
    }

    public Envelope decode(byte[] frame) throws WireFormatException {
        if (frame == null || frame.length == 0) {
            throw new WireFormatException("empty frame: expected a MessagePack map {service, data}");
        }
        FrameReader.requireOneValue(frame);
        JsonNode root;
        try {
            root = mapper.readTree(frame);
        } catch (IOException | RuntimeException e) {
            throw new WireFormatException("frame is not valid MessagePack", e);
        }
        if (root == null || !root.isObject()) {
            throw new WireFormatException("frame is not a MessagePack map {service, data}");
        }
        JsonNode service = root.get(SERVICE);
        if (service == null || !service.isTextual() || service.asText().isEmpty()) {
            throw new WireFormatException("missing or non-text field 'service'");
        }
        JsonNode data = root.get(DATA);
        ObjectNode dataMap;
        if (data == null || data.isNull()) {
            dataMap = mapper.createObjectNode();
        } else if (data.isObject()) {
            dataMap = (ObjectNode) data;
        } else {
            throw new WireFormatException("field 'data' must be a map");
        }
        return new Envelope(service.asText(), dataMap, new Stamp(timestampOf(dataMap), clockOf(dataMap)));
    }

    /**
     * Reads a frame's outline (service, stamp, where its data lies) without building a tree: for
     * messages whose data is then bound to one record with {@link #body(Frame, Class)}.
     */
    public Frame read(byte[] frame) throws WireFormatException {
        return FrameReader.read(frame);
    }

    /** Binds a frame's data map to the record of its service. */
    public <T> T body(Frame frame, Class<T> type) throws WireFormatException {
        if (frame.dataLength() == 0) {
            return bodyOf(Frame.EMPTY_MAP, type, frame.service());
        }
        T plain = plainBody(frame.bytes(), frame.dataOffset(), frame.dataLength(), type);
        return plain != null ? plain : bindWithMapper(frame.bytes(), frame.dataOffset(), frame.dataLength(), type,
                frame.service());
    }

    /** Binding with the mapper alone: the reference for the field-by-field binding, and its fallback. */
    <T> T bindWithMapper(byte[] bytes, int offset, int length, Class<T> type, String service)
            throws WireFormatException {
        try {
            return mapper.readValue(bytes, offset, length, type);
        } catch (IOException | RuntimeException e) {
            throw bindingFailure(e, service);
        }
    }

    /** The record bound without databind, or null when its type or these bytes need the mapper. */
    private <T> T plainBody(byte[] bytes, int offset, int length, Class<T> type) {
        Optional<RecordShape> shape = shapes.get(type);
        if (shape.isEmpty()) {
            return null;
        }
        try (MessageUnpacker in = MessagePack.newDefaultUnpacker(bytes, offset, length)) {
            return type.cast(shape.get().read(in));
        } catch (RecordShape.NotPlain | IOException | RuntimeException e) {
            return null; // the mapper binds it, or says what is wrong with it
        }
    }

    /** Binds a data map carried as bytes (see {@link Frame#data()}) to a record. */
    public <T> T bodyOf(byte[] data, Class<T> type, String service) throws WireFormatException {
        T plain = plainBody(data, 0, data.length, type);
        return plain != null ? plain : bindWithMapper(data, 0, data.length, type, service);
    }

    /** Reads the data map as the record of one service; wrong field types become a readable error. */
    public <T> T body(Envelope envelope, Class<T> type) throws WireFormatException {
        try {
            return mapper.treeToValue(envelope.data(), type);
        } catch (IOException | RuntimeException e) {
            throw bindingFailure(e, envelope.service());
        }
    }

    private static WireFormatException bindingFailure(Exception e, String service) {
        if (e instanceof JsonMappingException mapping) {
            String path = mapping.getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining("."));
            if (!path.isEmpty()) {
                return new WireFormatException("field '" + path + "' has the wrong type", e);
            }
        }
        return new WireFormatException("data does not match service '" + service + "'", e);
    }

    /** A record as a data map, to carry inside another message. */
    public ObjectNode tree(Object body) {
        return mapper.valueToTree(body);
    }

    /**
     * Encodes {@code {service, data: {...body, timestamp, clock}}}. A record's fields are
     * written straight into the data map, followed by the two stamp fields: field by field for a
     * record with a {@link RecordShape}, else serialized by the mapper. Only a body that is
     * already a tree, a map, or has a stamp field of its own goes through a tree (the stamp
     * replaces such a field).
     */
    public byte[] encode(String service, Object body, Stamp stamp) {
        Optional<RecordShape> shape = body == null ? Optional.empty() : shapes.get(body.getClass());
        if (shape.isPresent() && streamable.get(body.getClass())) {
            Object[] values = shape.get().values(body);
            return frame(service, RecordShape.present(values), stamp, packer -> shape.get().writeEntries(packer, values));
        }
        return encodeWithMapper(service, body, stamp);
    }

    /** {@link #encode} with the mapper alone: the reference that the field-by-field writing matches. */
    byte[] encodeWithMapper(String service, Object body, Stamp stamp) {
        if (body != null && !streamable.get(body.getClass())) {
            return encodeAsTree(service, body, stamp);
        }
        byte[] data;
        try {
            data = body == null ? Frame.EMPTY_MAP : mapper.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + service, e);
        }
        MessageMapHeader header = MessageMapHeader.of(data);
        if (header == null) {
            return encodeAsTree(service, body, stamp);
        }
        return frame(service, header.entries(), stamp,
                packer -> packer.writePayload(data, header.length(), data.length - header.length()));
    }

    /** Writes a data map's entries, without its header. */
    private interface DataEntries {
        void write(MessagePacker packer) throws IOException;
    }

    private static byte[] frame(String service, int entries, Stamp stamp, DataEntries data) {
        return FRAME_BUFFERS.get().frame(service, entries, stamp, data);
    }

    private static final ThreadLocal<FrameBuffer> FRAME_BUFFERS = ThreadLocal.withInitial(FrameBuffer::new);

    /**
     * A packer per thread over bytes kept from frame to frame, so a frame allocates its own bytes
     * and little else (a new packer took 1.5 KB of buffers and wrappers per frame: most of what
     * encoding one left for the collector). A buffer that grew past {@link #KEEP_AT_MOST} for a
     * large frame (a fetch answer) is let go rather than held by the thread. Nothing that writes
     * a frame's entries encodes another frame, so one buffer per thread is never in use twice.
     */
    private static final class FrameBuffer {
        private static final int KEEP_AT_MOST = 64 * 1024;
        private static final PackedText SERVICE_KEY = PackedText.of(SERVICE);
        private static final PackedText DATA_KEY = PackedText.of(DATA);
        private static final PackedText TIMESTAMP_KEY = PackedText.of(TIMESTAMP);
        private static final PackedText CLOCK_KEY = PackedText.of(CLOCK);
        private final byte[] timestamp = new byte[Timestamps.SENT_LENGTH];
        private ByteArrayOutputStream bytes;
        private MessagePacker packer;

        FrameBuffer() {
            renew();
        }

        private void renew() {
            bytes = new ByteArrayOutputStream(512);
            packer = FRAME_PACKER.newPacker(bytes);
        }

        /** Starts from nothing each time (a frame that failed halfway leaves nothing behind). */
        byte[] frame(String service, int entries, Stamp stamp, DataEntries data) {
            packer.clear();
            bytes.reset();
            try {
                packer.packMapHeader(2);
                SERVICE_KEY.packInto(packer);
                packer.packString(service);
                DATA_KEY.packInto(packer);
                packer.packMapHeader(entries + 2);
                data.write(packer);
                TIMESTAMP_KEY.packInto(packer);
                Timestamps.pack(stamp.timestamp(), packer, timestamp);
                CLOCK_KEY.packInto(packer);
                packer.packLong(stamp.clock());
                packer.flush();
            } catch (IOException e) {
                throw new IllegalStateException("cannot encode " + service, e);
            }
            byte[] frame = bytes.toByteArray();
            if (frame.length > KEEP_AT_MOST) {
                renew();
            }
            return frame;
        }
    }

    private byte[] encodeAsTree(String service, Object body, Stamp stamp) {
        ObjectNode data = mapper.valueToTree(body);
        data.put(TIMESTAMP, Timestamps.format(stamp.timestamp()));
        data.put(CLOCK, stamp.clock());
        ObjectNode root = mapper.createObjectNode();
        root.put(SERVICE, service);
        root.set(DATA, data);
        try {
            return mapper.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + service, e);
        }
    }

    public byte[] encode(Service service, Object body, Stamp stamp) {
        return encode(service.wireName(), body, stamp);
    }

    private static long clockOf(ObjectNode data) throws WireFormatException {
        JsonNode clock = data.get(CLOCK);
        if (clock == null || clock.isNull()) {
            return 0;
        }
        if (clock.isNumber()) {
            return Math.max(0, clock.asLong());
        }
        if (clock.isTextual()) {
            try {
                return Math.max(0, Long.parseLong(clock.asText().trim()));
            } catch (NumberFormatException e) {
                throw new WireFormatException("field 'clock' must be an integer");
            }
        }
        throw new WireFormatException("field 'clock' must be an integer");
    }

    private static Instant timestampOf(ObjectNode data) throws WireFormatException {
        JsonNode ts = data.get(TIMESTAMP);
        if (ts == null || ts.isNull()) {
            return null;
        }
        try {
            if (ts.isNumber()) {
                return Timestamps.fromNumber(ts.decimalValue());
            }
            if (ts.isTextual()) {
                return Timestamps.parse(ts.asText());
            }
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new WireFormatException("field 'timestamp' is not ISO-8601 or epoch time");
        }
        throw new WireFormatException("field 'timestamp' is not ISO-8601 or epoch time");
    }

    private static final class InstantSerializer extends JsonSerializer<Instant> {
        @Override
        public void serialize(Instant value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            gen.writeString(Timestamps.format(value));
        }
    }

    private static final class InstantDeserializer extends JsonDeserializer<Instant> {
        @Override
        public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonToken token = p.currentToken();
            try {
                if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
                    return Timestamps.fromNumber(p.getDecimalValue());
                }
                if (token == JsonToken.VALUE_STRING) {
                    return Timestamps.parse(p.getText());
                }
            } catch (DateTimeParseException e) {
                return (Instant) ctxt.handleWeirdStringValue(Instant.class, p.getText(), "not an ISO-8601 time");
            }
            return (Instant) ctxt.handleUnexpectedToken(Instant.class, p);
        }
    }
}
