package io.zchat.system;

import io.zchat.shared.client.ChatClient;
import io.zchat.system.support.LocalCluster;
import io.zchat.system.support.NodeProcess;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The interactive client's jar driven through its standard input and output, as a user at a
 * terminal would, against broker, proxy and one server on loopback; another user on the client
 * library talks to it.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class TerminalClientIT {
    private static final Duration SHOWN_WITHIN = Duration.ofSeconds(15);
    @AutoClose
    private static LocalCluster cluster;
    private static NodeProcess terminal;
    private static ChatClient bob;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = new LocalCluster("terminal-client").startInfrastructure();
        cluster.startServer("server-1", "--chat.replication.min-acks=1");
        terminal = cluster.startClient("terminal-alice");
        bob = cluster.client();
        assertThat(bob.login("bob").ok()).isTrue();
    }

    @Test
    void logInJoinPostReceiveMessageAndReadHistory() throws Exception {
        type("/login alice");
        shows("* logged in as alice");

        type("/join nowhere");
        shows("there is no channel #nowhere");
        type("/join general");
        shows("#general: nothing yet");
        // the subscription travels to the server through the proxy: bob posts until alice sees him
        for (int i = 1; i <= 20 && !output().contains("bob: hi alice"); i++) {
            assertThat(bob.publish("bob", "general", "hi alice").isOk()).isTrue();
            Thread.sleep(500);
        }
        shows("#general bob: hi alice");

        type("hello from the terminal");
        shows("#general alice: hello from the terminal");

        assertThat(bob.message("bob", "alice", "psst, alice").isOk()).isTrue();
        shows("[bob -> alice] psst, alice");
        type("/msg bob hi bob");
        shows("[alice -> bob] hi bob");
        assertThat(bob.userHistory("bob", 10, null).messages())
                .anyMatch(m -> "alice".equals(m.src()) && "hi bob".equals(m.message()));

        type("/history bob 5");
        shows("last 2 of messages with bob:");
        type("/history general 1");
        shows("last 1 of #general:");

        type("/create servers");
        shows("could not create #servers:");
        type("/frobnicate");
        shows("unknown command /frobnicate");

        type("/quit");
        assertThat(terminal.awaitExit(Duration.ofSeconds(30))).isZero();
    }

    private static void type(String line) throws IOException {
        OutputStream in = terminal.stdin();
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    private static void shows(String text) {
        await().atMost(SHOWN_WITHIN).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(output()).contains(text));
    }

    private static String output() throws IOException {
        return terminal.output();
    }
}
