package io.zchat.system.support;

import org.awaitility.Awaitility;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** A server's data directory as the tests compare it across servers. */
public final class ServerFiles {
    /** Every file a server keeps. */
    public static final List<String> ALL = List.of("replication.jsonl", "publications.jsonl", "messages.jsonl",
            "registry.json");

    private ServerFiles() {
    }

    /** A short SHA-256 of each named file (of nothing when it is missing): equal strings, byte-identical files. */
    public static String hashes(Path dataDir, List<String> files) {
        return files.stream().map(f -> f.substring(0, 3) + ":" + sha256(dataDir.resolve(f)))
                .collect(Collectors.joining(" "));
    }

    /**
     * Waits (bounded) until the named files are byte-identical on every one of {@code servers};
     * returns their hashes per server.
     */
    public static Map<String, String> awaitIdentical(LocalCluster cluster, List<String> servers, List<String> files,
                                                     Duration within) {
        Map<String, String> hashes = new LinkedHashMap<>();
        Awaitility.await().atMost(within).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            hashes.clear();
            for (String server : servers) {
                hashes.put(server, hashes(cluster.dataDir(server), files));
            }
            assertThat(hashes.values().stream().distinct()).as("file hashes per server: %s", hashes).hasSize(1);
        });
        return hashes;
    }

    /** The texts of every post and direct message in the user-facing files. */
    public static Set<String> storedTexts(Path dataDir) throws IOException {
        return new LinkedHashSet<>(storedTextList(dataDir));
    }

    /** The same, one element per stored line: a text stored twice shows twice. */
    public static List<String> storedTextList(Path dataDir) throws IOException {
        List<String> texts = new ArrayList<>();
        for (String file : List.of("publications.jsonl", "messages.jsonl")) {
            Path path = dataDir.resolve(file);
            if (Files.exists(path)) {
                for (String line : Files.readAllLines(path)) {
                    int start = line.indexOf("\"message\":\"");
                    if (start >= 0) {
                        int from = start + 11;
                        texts.add(line.substring(from, line.indexOf('"', from)));
                    }
                }
            }
        }
        return texts;
    }

    private static String sha256(Path file) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.exists(file)
                    ? Files.readAllBytes(file) : new byte[0]);
            return HexFormat.of().formatHex(digest).substring(0, 12);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
