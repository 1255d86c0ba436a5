package io.zchat.shared.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class AtomicFileTest {
    @TempDir
    Path dir;

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private void assertOnlyTarget() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("registry.json");
        }
    }

    @Test
    void createsThenReplacesContentAndLeavesNoTemporaryFile() throws IOException {
        Path target = dir.resolve("registry.json");
        AtomicFile.replace(target, bytes("{\"v\":1,\"long\":\"xxxxxxxxxxxxxxxx\"}"), true);
        assertThat(Files.readString(target)).isEqualTo("{\"v\":1,\"long\":\"xxxxxxxxxxxxxxxx\"}");

        AtomicFile.replace(target, bytes("{\"v\":2}"), false);
        assertThat(Files.readString(target)).isEqualTo("{\"v\":2}");
        assertOnlyTarget();
    }

    @Test
    void aStaleTemporaryFileFromACrashDoesNotBreakTheNextReplace() throws IOException {
        Path target = dir.resolve("registry.json");
        Files.write(target, bytes("{\"v\":1}"));
        Files.write(dir.resolve("registry.json.tmp"), bytes("{\"half written and much longer than the new content"));

        AtomicFile.replace(target, bytes("{\"v\":2}"), true);

        assertThat(Files.readString(target)).isEqualTo("{\"v\":2}");
        assertOnlyTarget();
    }
}
