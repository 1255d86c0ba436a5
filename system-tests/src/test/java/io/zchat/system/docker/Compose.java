package io.zchat.system.docker;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;

/** deploy/compose.yml under one project name (and optionally an env file), driven by the docker CLI. */
final class Compose {
    private final List<String> command;

    Compose(String project) {
        this(List.of(), project);
    }

    /** With the variables of {@code envFile} ({@code docker compose --env-file}). */
    Compose(String project, Path envFile) {
        this(List.of("--env-file", envFile.toString()), project);
    }

    private Compose(List<String> options, String project) {
        command = new ArrayList<>(List.of("docker", "compose"));
        command.addAll(options);
        command.addAll(List.of("-f", "deploy/compose.yml", "-p", project));
    }

    /** Runs {@code docker compose ... ARGS}; its output, or an exception when it fails or times out. */
    String run(long timeoutSeconds, String... args) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>(command);
        full.addAll(List.of(args));
        return Docker.run(timeoutSeconds, full.toArray(String[]::new));
    }

    /** Waits (up to 3 minutes) until the project has {@code expected} containers, all healthy; their names. */
    List<String> awaitAllHealthy(int expected) {
        List<String>[] names = new List[1];
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2)).until(() -> {
            names[0] = Docker.lines(run(60, "ps", "-q")).stream().map(Compose::containerName).toList();
            if (names[0].size() != expected) {
                return false;
            }
            for (String name : names[0]) {
                if (!"healthy".equals(Docker.health(name))) {
                    return false;
                }
            }
            return true;
        });
        return names[0];
    }

    /** The containers of compose service {@code service} (named PROJECT-SERVICE-N or PROJECT_SERVICE_N). */
    static List<String> of(String service, List<String> containers) {
        return containers.stream().filter(c -> c.matches(".*[-_]" + service + "[-_][0-9]+$")).toList();
    }

    private static String containerName(String id) {
        try {
            return Docker.run(20, "docker", "inspect", "--format", "{{.Name}}", id).trim().replaceFirst("^/", "");
        } catch (IOException | IllegalStateException e) {
            return id;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return id;
        }
    }
}
