package io.zchat.system.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The load generator's jar, run as its own process against a cluster's broker and proxy. */
public final class LoadgenProcess {
    private final Process process;
    private final Path output;

    private LoadgenProcess(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    /** Starts a run that writes its JSON report to {@code report}; what it prints goes next to the cluster's logs. */
    public static LoadgenProcess start(LocalCluster cluster, Path report, String... options) throws IOException {
        Path output = cluster.workDir().resolve("logs").resolve(report.getFileName() + ".log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                "-jar", NodeProcess.root().resolve("tools/loadgen/target/loadgen.jar").toString(),
                "--loadgen.broker=" + cluster.brokerEndpoint(), "--loadgen.proxy=" + cluster.xpubEndpoint(),
                "--loadgen.output=" + report));
        command.addAll(List.of(options));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                .start();
        return new LoadgenProcess(process, output);
    }

    /** Runs a load to its end; what it printed. */
    public static String run(LocalCluster cluster, Path report, String... options) throws Exception {
        return start(cluster, report, options).awaitEnd();
    }

    /** Waits (at most 90 s) for the run to end with exit code 0; what it printed. */
    public String awaitEnd() throws Exception {
        boolean ended = process.waitFor(90, TimeUnit.SECONDS);
        if (!ended) {
            process.destroyForcibly();
        }
        assertThat(ended).as("loadgen ends; output in " + output).isTrue();
        String printed = Files.readString(output);
        System.out.println(printed);
        assertThat(process.exitValue()).as(printed).isZero();
        return printed;
    }
}
