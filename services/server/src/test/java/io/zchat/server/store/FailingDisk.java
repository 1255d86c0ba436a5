package io.zchat.server.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A file channel whose disk can be made to fail, as a full or failing one does: a write lands
 * {@code partialBytes} of its buffer and then throws, a force throws. Healed, it is the real file again.
 */
final class FailingDisk extends FileChannel {
    private final FileChannel file;
    private boolean failing;
    private int partialBytes;
    private int forced;

    FailingDisk(FileChannel file) {
        this.file = file;
    }

    /** From now on each write lands its first {@code partialBytes} bytes, then fails; forces fail. */
    void fail(int partialBytes) {
        this.failing = true;
        this.partialBytes = partialBytes;
    }

    void heal() {
        failing = false;
    }

    /** Forces that reached the file. */
    int forced() {
        return forced;
    }

    @Override
    public int write(ByteBuffer source, long position) throws IOException {
        if (!failing) {
            return file.write(source, position);
        }
        ByteBuffer landed = source.slice();
        landed.limit(Math.min(partialBytes, landed.remaining()));
        file.write(landed, position);
        throw new IOException("No space left on device");
    }

    @Override
    public void force(boolean metaData) throws IOException {
        if (failing) {
            throw new IOException("Input/output error");
        }
        file.force(metaData);
        forced++;
    }

    @Override
    public int read(ByteBuffer target, long position) throws IOException {
        return file.read(target, position);
    }

    @Override
    public long size() throws IOException {
        return file.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        file.truncate(size);
        return this;
    }

    // ---- not used by JsonLinesFile: refused, so that a new use of them shows up in the tests ----

    @Override
    public int read(ByteBuffer target) {
        throw new UnsupportedOperationException();
    }

    @Override
    public long read(ByteBuffer[] targets, int offset, int length) {
        throw new UnsupportedOperationException();
    }

    @Override
    public int write(ByteBuffer source) {
        throw new UnsupportedOperationException();
    }

    @Override
    public long write(ByteBuffer[] sources, int offset, int length) {
        throw new UnsupportedOperationException();
    }

    @Override
    public long position() {
        throw new UnsupportedOperationException();
    }

    @Override
    public FileChannel position(long newPosition) {
        throw new UnsupportedOperationException();
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) {
        throw new UnsupportedOperationException();
    }

    @Override
    public long transferFrom(ReadableByteChannel source, long position, long count) {
        throw new UnsupportedOperationException();
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) {
        throw new UnsupportedOperationException();
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) {
        throw new UnsupportedOperationException();
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) {
        throw new UnsupportedOperationException();
    }

    @Override
    protected void implCloseChannel() throws IOException {
        file.close();
    }
}
