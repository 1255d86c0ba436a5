package io.zchat.system.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

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

    /** The texts of every post and direct message in the user-facing files. */
    public static Set<String> storedTexts(Path dataDir) throws IOException {
        Set<String> texts = new LinkedHashSet<>();
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
