package io.zchat.system.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;

/** One role running as its own JVM from the jar Maven built, with its output in a log file. */
public final class NodeProcess {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final String role;
    private final int httpPort;
    private final List<String> args;
    private final Path log;
    private Process process;

    public NodeProcess(String name, String role, int httpPort, List<String> args, Path logDir) {
        this.name = name;
        this.role = role;
        this.httpPort = httpPort;
        this.args = List.copyOf(args);
        this.log = logDir.resolve(name + ".log");
    }

    public static Path root() {
        return Path.of(System.getProperty("zchat.root", "..")).toAbsolutePath().normalize();
    }

    public NodeProcess start() throws IOException {
        Path jar = root().resolve("services").resolve(role).resolve("target").resolve(role + ".jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: run ./mvnw package first");
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms32m", "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-jar", jar.toString(), "--spring.profiles.active=local", "--server.port=" + httpPort,
                "--chat.node-name=" + name));
        command.addAll(args);
        Files.createDirectories(log.getParent());
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        return this;
    }

    /** Waits (bounded) until Actuator readiness answers UP. */
    public NodeProcess awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
            }
            if (readiness() == 200) {
                return this;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(name + " not ready within " + READY_TIMEOUT + "; see " + log);
    }

    /** HTTP status of the readiness probe, or -1 when nothing answers. */
    public int readiness() {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url("/actuator/health/readiness")))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    public String get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** SIGTERM and wait for a clean exit. */
    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** SIGKILL: no shutdown hooks, nothing flushed that was not already written. */
    public void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** SIGSTOP: the process stays, with its connections, but does nothing (a long stall). */
    public void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT: a paused process goes on where it stopped. */
    public void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IOException("kill -" + name + " " + process.pid() + " failed");
            }
        }
    }

    /** What the process reads on its standard input (a pipe). */
    public java.io.OutputStream stdin() {
        return process.getOutputStream();
    }

    /** Everything the process has printed so far (standard output and error). */
    public String output() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** Waits (bounded) for the process to end by itself; its exit code, or -1 when it did not end. */
    public int awaitExit(java.time.Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    /**
     * The value of the first sample of metric {@code name} on this node's /actuator/prometheus whose
     * labels include every {@code key, value} pair given; empty when there is none.
     */
    public OptionalDouble metric(String name, String... labels) throws IOException, InterruptedException {
        return sample(get("/actuator/prometheus"), name, labels);
    }

    /** As {@link #metric(String, String...)}, from a Prometheus text {@code exposition} read elsewhere. */
    public static OptionalDouble sample(String exposition, String name, String... labels) {
        for (String line : exposition.split("\n")) {
            if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
                continue;
            }
            int end = line.lastIndexOf(' ');
            String series = line.substring(0, end);
            boolean matches = true;
            for (int i = 0; i + 1 < labels.length; i += 2) {
                matches &= series.contains(labels[i] + "=\"" + labels[i + 1] + "\"");
            }
            if (matches) {
                return OptionalDouble.of(Double.parseDouble(line.substring(end + 1)));
            }
        }
        return OptionalDouble.empty();
    }

    /** Resident memory of the process in kB (VmRSS from /proc), or -1 when it cannot be read. */
    public long residentKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    public String name() {
        return name;
    }

    /** The role (jar) this node runs: ref, broker, proxy, server or client. */
    public String role() {
        return role;
    }

    /** The Actuator HTTP port (health, prometheus). */
    public int httpPort() {
        return httpPort;
    }

    public Path log() {
        return log;
    }

    private String url(String path) {
        return "http://localhost:" + httpPort + path;
    }
}
