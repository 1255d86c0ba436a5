package io.zchat.server.store;

import com.fasterxml.jackson.databind.ObjectMapper;
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
 */
public final class ChatStore implements Closeable {
    public static final String PUBLICATIONS = "publications.jsonl";
    public static final String MESSAGES = "messages.jsonl";
    public static final String REGISTRY = "registry.json";

    private static final Logger LOG = LoggerFactory.getLogger(ChatStore.class);
    private static final ObjectMapper JSON = WireCodec.jsonMapper();

    private final Path dir;
    private final FsyncPolicy fsync;
    private final JsonLinesFile publications;
    private final JsonLinesFile messages;
    private final RegistrySnapshot loadedRegistry;
    private RegistrySnapshot stagedRegistry;

    private ChatStore(Path dir, FsyncPolicy fsync, JsonLinesFile publications, JsonLinesFile messages,
                      RegistrySnapshot registry) {
        this.dir = dir;
        this.fsync = fsync;
        this.publications = publications;
        this.messages = messages;
        this.loadedRegistry = registry;
    }

    /** Opens the files of {@code dir} (cutting torn tails) and reads the registry. */
    public static ChatStore open(Path dir, FsyncPolicy fsync) throws IOException {
        Files.createDirectories(dir);
        RegistrySnapshot registry = readRegistry(dir.resolve(REGISTRY));
        JsonLinesFile publications = JsonLinesFile.open(dir.resolve(PUBLICATIONS));
        JsonLinesFile messages = JsonLinesFile.open(dir.resolve(MESSAGES));
        return new ChatStore(dir, fsync, publications, messages, registry);
    }

    /** The registry as read at open; null for a fresh data directory. */
    public RegistrySnapshot loadedRegistry() {
        return loadedRegistry;
    }

    /** The seq of the last stored post (or direct message), 0 when there is none. */
    public long lastSeq(boolean posts) throws IOException {
        byte[] line = (posts ? publications : messages).lastLine();
        if (line == null) {
            return 0;
        }
        StoredEntry entry = JSON.readValue(line, StoredEntry.class);
        return entry == null ? 0 : entry.seq();
    }

    public void append(StoredEntry entry) {
        (entry.isPost() ? publications : messages).append(encode(entry));
    }

    public void stageRegistry(RegistrySnapshot registry) {
        this.stagedRegistry = registry;
    }

    /** Makes everything staged durable per the fsync policy. */
    public void commit() throws IOException {
        publications.flush();
        messages.flush();
        if (stagedRegistry != null) {
            AtomicFile.replace(dir.resolve(REGISTRY), JSON.writerWithDefaultPrettyPrinter()
                    .writeValueAsBytes(stagedRegistry), fsync == FsyncPolicy.BATCH);
            stagedRegistry = null;
        }
        if (fsync == FsyncPolicy.BATCH) {
            publications.sync();
            messages.sync();
        }
    }

    /** Streams stored posts (or direct messages) from disk, oldest first. */
    public void scan(boolean posts, Consumer<StoredEntry> entries) {
        try {
            JsonLinesFile.scan((posts ? publications : messages).path(), line -> decode(line, entries));
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

    private static byte[] encode(StoredEntry entry) {
        try {
            return JSON.writeValueAsBytes(entry);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void decode(byte[] line, Consumer<StoredEntry> entries) {
        try {
            StoredEntry entry = JSON.readValue(line, StoredEntry.class);
            if (entry == null || !entry.isComplete()) {
                LOG.error("skipping a stored line of {} bytes that is not a complete entry", line.length);
                return;
            }
            entries.accept(entry);
        } catch (IOException e) {
            LOG.error("skipping an unreadable stored line of {} bytes: {}", line.length, e.getMessage());
        }
    }

    private static RegistrySnapshot readRegistry(Path path) throws IOException {
        if (!Files.exists(path)) {
            return null;
        }
        return JSON.readValue(path.toFile(), RegistrySnapshot.class);
    }
}
