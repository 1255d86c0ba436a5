package io.zchat.system.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zchat.system.support.NodeProcess;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The docker CLI, for the tests that drive compose and containers (bounded in time). */
public final class Docker {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Docker() {
    }

    /** Runs a command from the repository root; its output, or an exception when it fails. */
    public static String run(long timeoutSeconds, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(NodeProcess.root().toFile())
                .redirectErrorStream(true).start();
        byte[] out;
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("timed out after " + timeoutSeconds + " s: " + Arrays.toString(command));
        }
        out = process.getInputStream().readAllBytes();
        String text = new String(out, StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IllegalStateException(Arrays.toString(command) + " failed (" + process.exitValue() + "): " + text);
        }
        return text;
    }

    /** The {@code chat} health details of a server container, or null while it does not answer. */
    public static JsonNode serverHealth(String container) {
        try {
            String body = run(20, "docker", "exec", container, "curl", "-s", "http://localhost:8080/actuator/health");
            return JSON.readTree(body).path("components").path("chat").path("details");
        } catch (IOException | IllegalStateException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** A server container's commit point, or -1 while it does not answer. */
    public static long commitSeq(String container) {
        JsonNode chat = serverHealth(container);
        return chat == null ? -1 : chat.path("commitSeq").asLong(-1);
    }

    /** "healthy", "starting", "unhealthy" (or "none") for a container. */
    public static String health(String container) throws IOException, InterruptedException {
        return run(20, "docker", "inspect", "--format", "{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}",
                container).trim();
    }

    public static List<String> lines(String output) {
        List<String> lines = new ArrayList<>();
        for (String line : output.split("\n")) {
            if (!line.isBlank()) {
                lines.add(line.trim());
            }
        }
        return lines;
    }
}
