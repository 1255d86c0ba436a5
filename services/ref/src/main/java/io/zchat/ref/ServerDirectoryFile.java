package io.zchat.ref;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.zchat.shared.io.AtomicFile;
import io.zchat.shared.wire.WireCodec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** ref_servers.json: names, ranks, addresses and last heartbeats, replaced atomically. */
public final class ServerDirectoryFile {
    public static final String FILE = "ref_servers.json";
    private static final ObjectMapper JSON = WireCodec.jsonMapper();

    private final Path path;

    private record Content(List<ServerDirectory.Server> servers) {
    }

    public ServerDirectoryFile(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        this.path = dataDir.resolve(FILE);
    }

    public List<ServerDirectory.Server> load() throws IOException {
        if (!Files.exists(path)) {
            return List.of();
        }
        return JSON.readValue(path.toFile(), Content.class).servers();
    }

    public void save(List<ServerDirectory.Server> servers) throws IOException {
        AtomicFile.replace(path, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(new Content(servers)), true);
    }

    public Path path() {
        return path;
    }
}
