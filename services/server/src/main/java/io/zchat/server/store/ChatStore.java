package io.zchat.server.store;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.zchat.shared.io.AtomicFile;
import io.zchat.shared.wire.WireCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The three files a user reads: publications.jsonl, messages.jsonl and registry.json, views of the
 * committed part of the replicated log. Writes are staged and then committed as one group: appends
 * reach the OS in one write per file and registry.json is replaced atomically; with
 * {@link FsyncPolicy#BATCH} they are forced to disk too. Single-threaded.
 * <p>
 * Every line, and registry.json, carries a CRC32C as its last field ({@link Checksum}), checked
 * when the files are opened and on every read: a record that fails (or has no checksum) is never
 * served, and the store says it is {@link #damage() damaged}, so its owner rebuilds the files from
 * the replicated log they are views of.
 */
public final class ChatStore implements Closeable {
    public static final String PUBLICATIONS = "publications.jsonl";
    public static final String MESSAGES = "messages.jsonl";
    public static final String REGISTRY = "registry.json";

    private static final Logger LOG = LoggerFactory.getLogger(ChatStore.class);
    private static final ObjectMapper JSON = WireCodec.jsonMapper();
    /** Pretty, with the same line ends on every platform (so the file is the same on every server). */
    private static final ObjectWriter REGISTRY_WRITER = JSON.writer(new DefaultPrettyPrinter()
            .withObjectIndenter(new DefaultIndenter("  ", "\n")));

    private final Path dir;
    private final FsyncPolicy fsync;
    private final JsonLinesFile publications;
    private final JsonLinesFile messages;
    private RegistrySnapshot loadedRegistry;
    private RegistrySnapshot stagedRegistry;
    private long postsSeq;
    private long messagesSeq;
    /** The first damage found since the files were last emptied, or null. */
    private volatile String damage;
    /** The last damage found, kept after the files were emptied (for health). */
    private volatile String lastDamage;

    private ChatStore(Path dir, FsyncPolicy fsync, JsonLinesFile publications, JsonLinesFile messages) {
        this.dir = dir;
        this.fsync = fsync;
        this.publications = publications;
        this.messages = messages;
    }

    /**
     * Opens the files of {@code dir} (cutting torn tails), reads the registry and checks every
     * record: what fails is reported by {@link #damage()} and not counted in {@link #lastSeq}.
     */
    public static ChatStore open(Path dir, FsyncPolicy fsync) throws IOException {
        Files.createDirectories(dir);
        ChatStore store = new ChatStore(dir, fsync, JsonLinesFile.open(dir.resolve(PUBLICATIONS)),
                JsonLinesFile.open(dir.resolve(MESSAGES)));
        store.loadedRegistry = store.readRegistry(dir.resolve(REGISTRY));
        store.postsSeq = store.check(store.publications, PUBLICATIONS);
        store.messagesSeq = store.check(store.messages, MESSAGES);
        return store;
    }

    /** The registry as read (and found intact) at open; null for a fresh, damaged or emptied one. */
    public RegistrySnapshot loadedRegistry() {
        return loadedRegistry;
    }

    /** The seq of the last intact post (or direct message) found at open, 0 when there is none. */
    public long lastSeq(boolean posts) {
        return posts ? postsSeq : messagesSeq;
    }

    /** The first damaged or unsealed record found (at open or on a read), or null: then rebuild with {@link #empty()}. */
    public String damage() {
        return damage;
    }

    /** The last damage found, even after a rebuild, or null. */
    public String lastDamage() {
        return lastDamage;
    }

    /** Empties every file (to be written again from the log); the registry becomes a fresh one. */
    public void empty() throws IOException {
        publications.truncate(0);
        messages.truncate(0);
        stagedRegistry = null;
        Files.deleteIfExists(dir.resolve(REGISTRY));
        loadedRegistry = null;
        postsSeq = 0;
        messagesSeq = 0;
        damage = null;
    }

    public void append(StoredEntry entry) {
        append(entry, null);
    }

    /** Appends {@code entry}, given as its unsealed JSON {@code record} when the caller has it (else encoded here). */
    public void append(StoredEntry entry, byte[] record) {
        (entry.isPost() ? publications : messages)
                .append(Checksum.LINE.seal(record != null ? record : StoredEntryJson.write(entry)));
    }

    /** True while records are buffered that a failed commit could not hand to the OS. */
    public boolean hasPending() {
        return stagedRegistry != null || publications.hasPending() || messages.hasPending();
    }

    public void stageRegistry(RegistrySnapshot registry) {
        this.stagedRegistry = registry;
    }

    /** Makes everything staged durable per the fsync policy. */
    public void commit() throws IOException {
        publications.flush();
        messages.flush();
        if (stagedRegistry != null) {
            AtomicFile.replace(dir.resolve(REGISTRY), Checksum.DOCUMENT.seal(
                    REGISTRY_WRITER.writeValueAsBytes(stagedRegistry)), fsync == FsyncPolicy.BATCH);
            stagedRegistry = null;
        }
        if (fsync == FsyncPolicy.BATCH) {
            publications.sync();
            messages.sync();
        }
    }

    /** Streams stored posts (or direct messages) from disk, oldest first, leaving out records that fail their check. */
    public void scan(boolean posts, Consumer<StoredEntry> entries) {
        String file = posts ? PUBLICATIONS : MESSAGES;
        try {
            JsonLinesFile.scan((posts ? publications : messages).path(), line -> {
                StoredEntry entry = decode(line, file);
                if (entry != null) {
                    entries.accept(entry);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path dir() {
        return dir;
    }

    @Override
    public void close() throws IOException {
        publications.close();
        messages.close();
    }

    /** The seq of the last record of {@code file} if every record is intact and in order; else records the damage. */
    private long check(JsonLinesFile file, String name) throws IOException {
        long[] last = {0};
        file.readFrom(0, (line, offset) -> {
            StoredEntry entry = decode(line, name);
            if (entry == null || entry.seq() <= last[0]) {
                damaged(name + ": the record at byte " + offset + (entry == null ? " failed its check"
                        : " is out of order"));
                return false;
            }
            last[0] = entry.seq();
            return true;
        });
        return last[0];
    }

    /** A record that passes its checksum and is complete, or null (and the damage is recorded). */
    private StoredEntry decode(byte[] line, String file) {
        Checksum.Verdict verdict = Checksum.LINE.check(line);
        if (verdict != Checksum.Verdict.INTACT) {
            damaged(file + ": a record of " + line.length + " bytes is "
                    + (verdict == Checksum.Verdict.DAMAGED ? "damaged (checksum)" : "without a checksum"));
            return null;
        }
        try {
            StoredEntry entry = StoredEntryJson.read(line);
            if (entry != null && entry.isComplete()) {
                return entry;
            }
            damaged(file + ": a record of " + line.length + " bytes is not a complete entry");
        } catch (IOException e) {
            damaged(file + ": a record of " + line.length + " bytes cannot be read: " + e.getMessage());
        }
        return null;
    }

    private RegistrySnapshot readRegistry(Path path) throws IOException {
        if (!Files.exists(path)) {
            return null;
        }
        byte[] bytes = Files.readAllBytes(path);
        Checksum.Verdict verdict = Checksum.DOCUMENT.check(bytes);
        if (verdict != Checksum.Verdict.INTACT) {
            damaged(REGISTRY + (verdict == Checksum.Verdict.DAMAGED ? " is damaged (checksum)" : " has no checksum"));
            return null;
        }
        try {
            return JSON.readValue(bytes, RegistrySnapshot.class);
        } catch (IOException e) {
            damaged(REGISTRY + " cannot be read: " + e.getMessage());
            return null;
        }
    }

    private void damaged(String what) {
        if (damage == null) {
            damage = what;
            lastDamage = what;
            LOG.error("{}: not served; the files will be written again from the replicated log", what);
        }
    }
}
