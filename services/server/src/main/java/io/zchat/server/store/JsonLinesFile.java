package io.zchat.server.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * An append-only file of newline-terminated records. Appends are buffered and written to the OS
 * in one call by {@link #flush()}; {@link #sync()} forces them to disk. A record without its
 * newline at the end of the file is the torn tail of a killed write and is cut off on open.
 */
public final class JsonLinesFile implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(JsonLinesFile.class);
    private static final byte NEWLINE = '\n';

    private final Path path;
    private final FileChannel channel;
    private final PendingBytes pending = new PendingBytes(64 * 1024);
    private boolean dirty;
    /** Bytes handed to the OS so far (the file size). */
    private long end;

    private JsonLinesFile(Path path, FileChannel channel, long end) {
        this.path = path;
        this.channel = channel;
        this.end = end;
    }

    /** Receives a line (without its newline) and the offset where it starts; false stops the read. */
    @FunctionalInterface
    public interface LineVisitor {
        boolean visit(byte[] line, long offset);
    }

    /** Opens (creating if needed) for appending, first cutting a torn last line. */
    public static JsonLinesFile open(Path path) throws IOException {
        return open(path, UnaryOperator.identity());
    }

    /** As {@link #open(Path)}, through {@code disk}: a test's stand-in for a disk that fails. */
    static JsonLinesFile open(Path path, UnaryOperator<FileChannel> disk) throws IOException {
        FileChannel channel = disk.apply(FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE));
        long size = channel.size();
        long complete = endOfLastLine(channel, size);
        if (complete < size) {
            LOG.warn("{}: cutting a torn last line of {} bytes (an interrupted write)", path.getFileName(),
                    size - complete);
            channel.truncate(complete);
            channel.force(true);
        }
        return new JsonLinesFile(path, channel, complete);
    }

    /** Streams the complete lines of the file, oldest first. */
    public static void scan(Path path, Consumer<byte[]> lines) throws IOException {
        if (Files.exists(path)) {
            readLines(path, lines);
        }
    }

    /** The offset just after the last newline, reading backwards from the end. */
    private static long endOfLastLine(FileChannel channel, long size) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(8192);
        long end = size;
        while (end > 0) {
            long start = Math.max(0, end - chunk.capacity());
            chunk.clear().limit((int) (end - start));
            channel.read(chunk, start);
            for (int i = chunk.position() - 1; i >= 0; i--) {
                if (chunk.get(i) == NEWLINE) {
                    return start + i + 1;
                }
            }
            end = start;
        }
        return 0;
    }

    private static void readLines(Path path, Consumer<byte[]> lines) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(path), 1 << 16)) {
            ByteArrayOutputStream line = new ByteArrayOutputStream(256);
            int b;
            while ((b = in.read()) >= 0) {
                if (b == NEWLINE) {
                    if (line.size() > 0) {
                        lines.accept(line.toByteArray());
                    }
                    line.reset();
                } else {
                    line.write(b);
                }
            }
        }
    }

    /** Buffers one record; {@code record} must not contain a newline. */
    public void append(byte[] record) {
        pending.write(record, 0, record.length);
        pending.write(NEWLINE);
    }

    /**
     * Hands the buffered records to the OS in one write: from here they survive a process kill.
     * When the write fails (a full or failing disk), whatever part of it landed is cut off again
     * and the records stay buffered, so a later flush writes them whole or not at all.
     */
    public void flush() throws IOException {
        if (pending.size() == 0) {
            return;
        }
        ByteBuffer buffer = pending.view();
        try {
            while (buffer.hasRemaining()) {
                channel.write(buffer, end + buffer.position());
            }
        } catch (IOException e) {
            rollBack(e);
            throw e;
        }
        end += pending.size();
        pending.reset();
        dirty = true;
    }

    /** Cuts a partial write back to the last whole record; a failure to do so is added to the first one. */
    private void rollBack(IOException cause) {
        try {
            if (channel.size() > end) {
                channel.truncate(end);
            }
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }

    /** True while records are buffered that did not reach the OS yet (e.g. after a failed flush). */
    public boolean hasPending() {
        return pending.size() > 0;
    }

    /** Where the next appended record will start (flushed bytes plus buffered ones). */
    public long position() {
        return end + pending.size();
    }

    /** Cuts the file at {@code offset} (a line start), dropping anything buffered; forced to disk. */
    public void truncate(long offset) throws IOException {
        pending.reset();
        channel.truncate(offset);
        channel.force(true);
        end = offset;
    }

    /** Reads flushed lines starting at {@code offset} (a line start) until the visitor says stop. */
    public void readFrom(long offset, LineVisitor visitor) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(1 << 16);
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        long position = offset;
        long lineStart = offset;
        while (position < end) {
            chunk.clear();
            int read = channel.read(chunk, position);
            if (read <= 0) {
                return;
            }
            for (int i = 0; i < read; i++) {
                byte b = chunk.get(i);
                if (b == NEWLINE) {
                    if (!visitor.visit(line.toByteArray(), lineStart)) {
                        return;
                    }
                    line.reset();
                    lineStart = position + i + 1;
                } else {
                    line.write(b);
                }
            }
            position += read;
        }
    }

    /** Forces what was flushed to the disk. */
    public void sync() throws IOException {
        if (dirty) {
            channel.force(false);
            dirty = false;
        }
    }

    /** Appended bytes not yet handed to the OS, written from where they are (no copy per flush). */
    private static final class PendingBytes extends ByteArrayOutputStream {
        PendingBytes(int size) {
            super(size);
        }

        ByteBuffer view() {
            return ByteBuffer.wrap(buf, 0, count);
        }
    }

    public Path path() {
        return path;
    }

    @Override
    public void close() throws IOException {
        flush();
        sync();
        channel.close();
    }
}
