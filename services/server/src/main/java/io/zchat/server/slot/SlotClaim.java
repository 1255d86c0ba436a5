package io.zchat.server.slot;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * A replica's stable identity: the first free slot {@code server-N}, held by an exclusive file lock
 * in a directory every replica shares. The lock lasts as long as the process (the OS drops it when
 * the process dies, however it dies), so a recreated container takes a free slot again: the same
 * name, hence the same rank and data directory.
 */
public final class SlotClaim {
    private final String name;
    private final FileChannel channel;
    private final FileLock lock;

    private SlotClaim(String name, FileChannel channel, FileLock lock) {
        this.name = name;
        this.channel = channel;
        this.lock = lock;
    }

    /** Claims {@code prefix1}, {@code prefix2}, ... up to {@code max}: the first whose lock is free. */
    public static SlotClaim claim(Path dir, String prefix, int max) throws IOException {
        Files.createDirectories(dir);
        for (int n = 1; n <= max; n++) {
            Optional<SlotClaim> claim = tryClaim(dir, prefix + n);
            if (claim.isPresent()) {
                return claim.get();
            }
        }
        throw new IOException("all " + max + " slots in " + dir + " are taken");
    }

    private static Optional<SlotClaim> tryClaim(Path dir, String name) throws IOException {
        FileChannel channel = FileChannel.open(dir.resolve(name + ".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        try {
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return Optional.of(new SlotClaim(name, channel, lock));
            }
        } catch (OverlappingFileLockException e) {
            // this JVM already holds it
        }
        channel.close();
        return Optional.empty();
    }

    public String name() {
        return name;
    }

    public boolean isValid() {
        return lock.isValid() && channel.isOpen();
    }
}
