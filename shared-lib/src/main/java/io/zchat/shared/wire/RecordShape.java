package io.zchat.shared.wire;

import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessageIntegerOverflowException;
import org.msgpack.core.MessagePacker;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * A record body written to and bound from MessagePack field by field, without databind: under the
 * servers' C1 compiler, databind (a generator and a node tree per message, a copy of the input
 * per parser) cost a quarter of a server loop's time. Writing gives the bytes the mapper gives
 * (components in order, null ones left out). Reading takes only the plain form: anything else (a
 * wrong type, a duplicate or non-text key, an unparsable time) throws {@link NotPlain}, and the
 * caller binds with the mapper instead, which then accepts or rejects it exactly as before.
 */
final class RecordShape {
    /** Thrown by {@link #read} when the input needs the mapper's binding rules. */
    static final class NotPlain extends Exception {
        private static final NotPlain INSTANCE = new NotPlain();

        private NotPlain() {
            super("not in the plain form", null, false, false);
        }
    }

    private enum Kind { STRING, LONG, INT, BOOLEAN, BYTES, INSTANT, LIST, RECORD }

    /** One component: its name, how its values are written and read, and for lists and records their element shape. */
    private record Field(String name, Kind kind, boolean primitive, Method accessor, Kind element, RecordShape shape,
                         PackedText key) {
        Field(String name, Kind kind, boolean primitive, Method accessor, Kind element, RecordShape shape) {
            this(name, kind, primitive, accessor, element, shape, PackedText.of(name));
        }
    }

    private final Field[] fields;
    /** The components' names, as map keys: key {@code i} is {@code fields[i]}. */
    private final MapKeys keys;
    private final Constructor<?> constructor;

    private RecordShape(Field[] fields, Constructor<?> constructor) {
        this.fields = fields;
        this.keys = new MapKeys(Arrays.stream(fields).map(Field::name).toArray(String[]::new));
        this.constructor = constructor;
    }

    /**
     * The shape of a record whose components are text, whole numbers, booleans, bytes, instants,
     * records or lists of these, or null for any other type. {@code mapperProperties} gives the
     * property names the mapper writes for a type, in order: a record the mapper sees differently
     * (annotations, extra getters) has no shape.
     */
    static RecordShape of(Class<?> type, Function<Class<?>, List<String>> mapperProperties) {
        if (!type.isRecord()) {
            return null;
        }
        RecordComponent[] components = type.getRecordComponents();
        if (annotated(type, components)
                || !Arrays.stream(components).map(RecordComponent::getName).toList().equals(mapperProperties.apply(type))) {
            return null;
        }
        Field[] fields = new Field[components.length];
        try {
            for (int i = 0; i < components.length; i++) {
                fields[i] = field(components[i], mapperProperties);
                if (fields[i] == null) {
                    return null;
                }
            }
            Constructor<?> constructor = type.getDeclaredConstructor(
                    Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new));
            constructor.setAccessible(true);
            return new RecordShape(fields, constructor);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** Jackson annotations on the type, or any on a component, may change what the mapper does. */
    private static boolean annotated(Class<?> type, RecordComponent[] components) {
        boolean jacksonOnType = Arrays.stream(type.getAnnotations())
                .anyMatch(a -> a.annotationType().getPackageName().startsWith("com.fasterxml.jackson"));
        return jacksonOnType || Arrays.stream(components)
                .anyMatch(c -> c.getAnnotations().length > 0 || c.getAccessor().getAnnotations().length > 0);
    }

    private static Field field(RecordComponent component, Function<Class<?>, List<String>> mapperProperties) {
        Class<?> type = component.getType();
        Method accessor = component.getAccessor();
        accessor.setAccessible(true);
        Kind kind = kindOf(type);
        if (kind == Kind.LIST) {
            if (!(component.getGenericType() instanceof ParameterizedType list)
                    || !(list.getActualTypeArguments()[0] instanceof Class<?> elementType)) {
                return null;
            }
            Kind element = kindOf(elementType);
            if (element == null || element == Kind.LIST) {
                return null;
            }
            RecordShape shape = element == Kind.RECORD ? of(elementType, mapperProperties) : null;
            if (element == Kind.RECORD && shape == null) {
                return null;
            }
            return new Field(component.getName(), kind, false, accessor, element, shape);
        }
        if (kind == Kind.RECORD) {
            RecordShape shape = of(type, mapperProperties);
            return shape == null ? null : new Field(component.getName(), kind, false, accessor, null, shape);
        }
        return kind == null ? null : new Field(component.getName(), kind, type.isPrimitive(), accessor, null, null);
    }

    private static Kind kindOf(Type type) {
        if (type == String.class) {
            return Kind.STRING;
        }
        if (type == long.class || type == Long.class) {
            return Kind.LONG;
        }
        if (type == int.class || type == Integer.class) {
            return Kind.INT;
        }
        if (type == boolean.class || type == Boolean.class) {
            return Kind.BOOLEAN;
        }
        if (type == byte[].class) {
            return Kind.BYTES;
        }
        if (type == Instant.class) {
            return Kind.INSTANT;
        }
        if (type == List.class) {
            return Kind.LIST;
        }
        return type instanceof Class<?> c && c.isRecord() ? Kind.RECORD : null;
    }

    /** The values of a record's components, in order. */
    Object[] values(Object record) {
        Object[] values = new Object[fields.length];
        for (int i = 0; i < fields.length; i++) {
            try {
                values[i] = fields[i].accessor.invoke(record);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("cannot read " + fields[i].name, e);
            }
        }
        return values;
    }

    /** How many of these values the map has (null ones are left out). */
    static int present(Object[] values) {
        int n = 0;
        for (Object value : values) {
            if (value != null) {
                n++;
            }
        }
        return n;
    }

    /** Writes the present values' entries, without the map header. */
    void writeEntries(MessagePacker out, Object[] values) throws IOException {
        for (int i = 0; i < fields.length; i++) {
            if (values[i] != null) {
                fields[i].key.packInto(out);
                write(out, fields[i].kind, fields[i].shape, values[i], fields[i].element);
            }
        }
    }

    /** Writes a record as a map. */
    void write(MessagePacker out, Object record) throws IOException {
        Object[] values = values(record);
        out.packMapHeader(present(values));
        writeEntries(out, values);
    }

    private static void write(MessagePacker out, Kind kind, RecordShape shape, Object value, Kind element)
            throws IOException {
        if (value == null) {
            out.packNil();
            return;
        }
        switch (kind) {
            case STRING -> out.packString((String) value);
            case LONG -> out.packLong((Long) value);
            case INT -> out.packInt((Integer) value);
            case BOOLEAN -> out.packBoolean((Boolean) value);
            case BYTES -> {
                byte[] bytes = (byte[]) value;
                out.packBinaryHeader(bytes.length);
                out.addPayload(bytes); // referenced, not copied: the frame is built before anyone could change it
            }
            case INSTANT -> out.packString(Timestamps.format((Instant) value));
            case LIST -> {
                List<?> list = (List<?>) value;
                out.packArrayHeader(list.size());
                for (Object item : list) {
                    write(out, element, shape, item, null);
                }
            }
            case RECORD -> shape.write(out, value);
        }
    }

    /** Binds a map in the plain form, or throws {@link NotPlain}. */
    Object read(MessageUnpacker in) throws IOException, NotPlain {
        if (in.getNextFormat().getValueType() != ValueType.MAP) {
            throw NotPlain.INSTANCE;
        }
        Object[] values = new Object[fields.length];
        boolean[] seen = new boolean[fields.length];
        byte[] scratch = keys.scratch();
        int entries = in.unpackMapHeader();
        for (int e = 0; e < entries; e++) {
            int i = keys.next(in, scratch);
            if (i == MapKeys.NOT_TEXT) {
                throw NotPlain.INSTANCE;
            }
            if (i < 0) {
                in.skipValue();
                continue;
            }
            if (seen[i]) {
                throw NotPlain.INSTANCE;
            }
            seen[i] = true;
            Field field = fields[i];
            values[i] = read(in, field.kind, field.shape, field.element);
            if (values[i] == null && field.primitive) {
                throw NotPlain.INSTANCE;
            }
        }
        for (int i = 0; i < fields.length; i++) {
            if (values[i] == null && fields[i].primitive) {
                values[i] = defaultOf(fields[i].kind);
            }
        }
        try {
            return constructor.newInstance(values);
        } catch (InstantiationException | IllegalAccessException | InvocationTargetException e) {
            throw NotPlain.INSTANCE;
        }
    }

    private static Object defaultOf(Kind kind) {
        return switch (kind) {
            case LONG -> 0L;
            case INT -> 0;
            case BOOLEAN -> false;
            default -> null;
        };
    }

    private static Object read(MessageUnpacker in, Kind kind, RecordShape shape, Kind element)
            throws IOException, NotPlain {
        MessageFormat format = in.getNextFormat();
        if (format == MessageFormat.NIL) {
            in.unpackNil();
            return null;
        }
        ValueType type = format.getValueType();
        switch (kind) {
            case STRING -> {
                expect(type, ValueType.STRING);
                return FrameReader.text(in);
            }
            case LONG -> {
                expect(type, ValueType.INTEGER);
                try {
                    return in.unpackLong();
                } catch (MessageIntegerOverflowException e) {
                    throw NotPlain.INSTANCE; // the mapper says what is wrong with it
                }
            }
            case INT -> {
                expect(type, ValueType.INTEGER);
                try {
                    return in.unpackInt();
                } catch (MessageIntegerOverflowException e) {
                    throw NotPlain.INSTANCE;
                }
            }
            case BOOLEAN -> {
                expect(type, ValueType.BOOLEAN);
                return in.unpackBoolean();
            }
            case BYTES -> {
                expect(type, ValueType.BINARY);
                return in.readPayload(in.unpackBinaryHeader());
            }
            case INSTANT -> {
                expect(type, ValueType.STRING);
                try {
                    return Timestamps.parse(FrameReader.text(in));
                } catch (DateTimeException e) {
                    throw NotPlain.INSTANCE;
                }
            }
            case LIST -> {
                expect(type, ValueType.ARRAY);
                int size = in.unpackArrayHeader();
                List<Object> list = new ArrayList<>(size);
                for (int i = 0; i < size; i++) {
                    list.add(read(in, element, shape, null));
                }
                return list;
            }
            case RECORD -> {
                return shape.read(in);
            }
            default -> throw NotPlain.INSTANCE;
        }
    }

    private static void expect(ValueType actual, ValueType expected) throws NotPlain {
        if (actual != expected) {
            throw NotPlain.INSTANCE;
        }
    }
}
