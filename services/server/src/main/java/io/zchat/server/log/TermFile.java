package io.zchat.server.log;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.zchat.shared.io.AtomicFile;
import io.zchat.shared.wire.WireCodec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code term.json}: the highest coordinator term this server has accepted, kept across restarts
 * so that a new coordinator always picks a term above any earlier one, even one that never
 * ordered an entry. Raised by the server loop and by the cluster loop (when proposing itself).
 */
public final class TermFile {
    public static final String FILE = "term.json";
    private static final ObjectMapper JSON = WireCodec.jsonMapper();

    private final Path path;
    private volatile long term;

    private record Content(long term) {
    }

    public TermFile(Path dir) throws IOException {
        Files.createDirectories(dir);
        this.path = dir.resolve(FILE);
        this.term = Files.exists(path) ? JSON.readValue(path.toFile(), Content.class).term() : 0;
    }

    public long term() {
        return term;
    }

    /**
     * Moves to {@code newTerm} if it is later than the current one, durably before returning.
     * Each term is taken at most once, so two servers can never both be coordinator of one term.
     *
     * @return true when this call moved the term (false: already at or past it)
     */
    public synchronized boolean raise(long newTerm) throws IOException {
        if (newTerm <= term) {
            return false;
        }
        AtomicFile.replace(path, JSON.writeValueAsBytes(new Content(newTerm)), true);
        term = newTerm;
        return true;
    }
}
