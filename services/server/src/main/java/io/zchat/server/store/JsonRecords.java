package io.zchat.server.store;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zchat.shared.wire.Timestamps;
import io.zchat.shared.wire.WireCodec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Streaming JSON for the records written and read per entry (log lines, user-file lines): the
 * bytes the object mapper writes for them (same factory, field order, nulls left out, contract
 * timestamps), without the mapper's reflection, which cost the servers' loops a third of their
 * time. Readers take fields in any order, skip unknown ones (such as the checksum), and fail on a
 * value of the wrong kind.
 */
public final class JsonRecords {
    /** Generators and parsers come from the mapper, set up as it set up its own (surrogate pairs as UTF-8, ...). */
    private static final ObjectMapper MAPPER = WireCodec.jsonMapper();
    /**
     * Kept per thread and reused: a builder made per record grew past its first block for most
     * log lines, each time allocating a larger one (the largest share of a coordinator's garbage).
     * Its one block outgrows a record only for a record larger than any before on this thread.
     */
    private static final ThreadLocal<ByteArrayBuilder> BUFFER = ThreadLocal.withInitial(() -> new ByteArrayBuilder(4096));

    private JsonRecords() {
    }

    /** Writes one record's fields. */
    @FunctionalInterface
    public interface Fields {
        void write(JsonGenerator out) throws IOException;
    }

    /** Takes one field of a record; the parser is at its value. */
    @FunctionalInterface
    public interface FieldReader {
        void read(String name, JsonParser in) throws IOException;
    }

    /** One JSON object, compact, as UTF-8. */
    public static byte[] write(Fields fields) {
        return encode(fields).toByteArray();
    }

    /**
     * One JSON object sealed with {@code checksum}: encoded into this thread's buffer and copied
     * once, into the sealed record (every log line is written so, on the coordinator's loop).
     */
    public static byte[] writeSealed(Fields fields, Checksum checksum) {
        ByteArrayBuilder bytes = encode(fields);
        return bytes.getCurrentSegmentLength() == bytes.size()
                ? checksum.seal(bytes.getCurrentSegment(), bytes.size())
                : checksum.seal(bytes.toByteArray());
    }

    /** The object in this thread's buffer, valid until the thread's next encode (which empties it first). */
    private static ByteArrayBuilder encode(Fields fields) {
        ByteArrayBuilder bytes = BUFFER.get();
        bytes.reset();
        try (JsonGenerator out = MAPPER.createGenerator(bytes)) {
            out.writeStartObject();
            fields.write(out);
            out.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes;
    }

    /** Reads the fields of the one JSON object {@code json} holds; false when it is not an object. */
    public static boolean read(byte[] json, FieldReader fields) throws IOException {
        try (JsonParser in = MAPPER.createParser(json)) {
            if (in.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            String name;
            while ((name = in.nextFieldName()) != null) {
                in.nextToken();
                fields.read(name, in);
            }
            return in.currentToken() == JsonToken.END_OBJECT;
        }
    }

    /** Writes a string field unless {@code value} is null. */
    public static void string(JsonGenerator out, String name, String value) throws IOException {
        if (value != null) {
            out.writeStringField(name, value);
        }
    }

    /** Writes a timestamp field in the contract's format unless {@code value} is null. */
    public static void timestamp(JsonGenerator out, String name, Instant value) throws IOException {
        if (value != null) {
            out.writeStringField(name, Timestamps.format(value));
        }
    }

    /** A string value (a number is taken as its text); null for JSON null. */
    public static String string(JsonParser in) throws IOException {
        JsonToken token = in.currentToken();
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (!token.isScalarValue()) {
            throw malformed(in, "a string");
        }
        return in.getText();
    }

    /** A whole number (also in a string); 0 for JSON null, as the mapper read a missing primitive. */
    public static long number(JsonParser in) throws IOException {
        JsonToken token = in.currentToken();
        if (token == JsonToken.VALUE_NUMBER_INT) {
            return in.getLongValue();
        }
        if (token == JsonToken.VALUE_NULL) {
            return 0;
        }
        if (token == JsonToken.VALUE_STRING) {
            try {
                return Long.parseLong(in.getText().trim());
            } catch (NumberFormatException e) {
                throw malformed(in, "a whole number");
            }
        }
        throw malformed(in, "a whole number");
    }

    /** A timestamp in any form the contract accepts (ISO-8601 text, epoch seconds or milliseconds); null for JSON null. */
    public static Instant timestamp(JsonParser in) throws IOException {
        JsonToken token = in.currentToken();
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
            return Timestamps.fromNumber(in.getDecimalValue());
        }
        if (token == JsonToken.VALUE_STRING) {
            try {
                return Timestamps.parse(in.getText());
            } catch (DateTimeParseException e) {
                throw malformed(in, "an ISO-8601 time");
            }
        }
        throw malformed(in, "a timestamp");
    }

    /** Passes over the value of a field this record does not have. */
    public static void skip(JsonParser in) throws IOException {
        in.skipChildren();
    }

    private static IOException malformed(JsonParser in, String expected) throws IOException {
        return new JsonParseException(in,
                "field '" + in.currentName() + "' is not " + expected);
    }
}
