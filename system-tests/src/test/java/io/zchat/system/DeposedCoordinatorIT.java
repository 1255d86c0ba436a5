package io.zchat.system;

import io.zchat.shared.client.ChatClient;
import io.zchat.shared.client.ClientSettings;
import io.zchat.shared.client.RequestFailedException;
import io.zchat.system.support.LocalCluster;
import io.zchat.system.support.NodeProcess;
import io.zchat.system.support.ServerFiles;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A coordinator that ordered writes its followers never took (they were stalled), and was then
 * stalled itself while they elected another, returns with a divergent tail: it must cut all of it
 * back in a round or two (it once took one fetch round per entry, refusing writes meanwhile),
 * end byte-identical to the others, and no acknowledged write may be missing anywhere.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DeposedCoordinatorIT {
    private static final List<String> NAMES = List.of("server-1", "server-2", "server-3");
    private static final Pattern DROPPED = Pattern.compile("dropped (\\d+) entries after seq");
    private static final int WRITERS = 24;
    @AutoClose
    private static LocalCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = new LocalCluster("deposed").startInfrastructure();
        cluster.startServers(NAMES);
        try (ChatClient client = cluster.client()) {
            assertThat(client.login("writer").ok()).isTrue();
        }
    }

    @Test
    void aReturningDeposedCoordinatorCutsItsTailBackAtOnce() throws Exception {
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        String deposed = cluster.selfDeclaredCoordinator(NAMES);
        List<String> followers = NAMES.stream().filter(n -> !n.equals(deposed)).toList();
        write(acknowledged, "before", 20);

        // the coordinator alone takes writes: it orders them, and none can commit
        for (String follower : followers) {
            cluster.server(follower).pause();
        }
        writeConcurrently(acknowledged, Duration.ofSeconds(4));

        // it stalls too; the followers come back and elect another
        NodeProcess old = cluster.server(deposed);
        old.pause();
        for (String follower : followers) {
            cluster.server(follower).resume();
        }
        String next = cluster.awaitSuccessor(followers, deposed, Duration.ofSeconds(20));
        write(acknowledged, "after", 20);

        old.resume();
        System.out.println("sha256 per server: " + ServerFiles.awaitIdentical(cluster, NAMES,
                List.of("replication.jsonl", "publications.jsonl", "messages.jsonl"), Duration.ofSeconds(60)));
        String log = old.output();
        long cuts = log.lines().filter(l -> l.contains("cutting this server's log back")).count();
        long dropped = 0;
        Matcher m = DROPPED.matcher(log);
        while (m.find()) {
            dropped += Long.parseLong(m.group(1));
        }
        System.out.printf("%s (deposed for %s) dropped %d divergent entries in %d cut(s)%n", deposed, next,
                dropped, cuts);
        assertThat(dropped).as("the returning coordinator had a divergent tail").isGreaterThanOrEqualTo(5);
        assertThat(cuts).as("rounds of cutting back, for %d divergent entries", dropped).isLessThanOrEqualTo(3);
        for (String name : NAMES) {
            assertThat(ServerFiles.storedTexts(cluster.dataDir(name))).as(name).containsAll(acknowledged);
        }
    }

    /** {@code count} writes one after another, each retried until acknowledged. */
    private static void write(Set<String> acknowledged, String tag, int count) {
        try (ChatClient client = cluster.client(new ClientSettings(Duration.ofSeconds(2), 5))) {
            for (int i = 0; i < count; i++) {
                String text = tag + "-" + i;
                assertThat(client.publish("writer", "general", text).isOk()).as(text).isTrue();
                acknowledged.add(text);
            }
        }
    }

    /** Many writers at once for {@code duration}, each request tried once, briefly. */
    private static void writeConcurrently(Set<String> acknowledged, Duration duration) throws InterruptedException {
        AtomicBoolean writing = new AtomicBoolean(true);
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            int id = w;
            Thread t = new Thread(() -> {
                try (ChatClient client = cluster.client(new ClientSettings(Duration.ofMillis(300), 0))) {
                    for (int i = 0; writing.get() && i < 1000; i++) {
                        String text = "alone-" + id + "-" + i;
                        try {
                            if (client.publish("writer", "general", text).isOk()) {
                                acknowledged.add(text);
                            }
                        } catch (RequestFailedException e) {
                            // expected: nothing commits while the followers are stalled
                        }
                    }
                }
            }, "writer-" + w);
            writers.add(t);
            t.start();
        }
        Thread.sleep(duration.toMillis());
        writing.set(false);
        for (Thread t : writers) {
            t.join(TimeUnit.SECONDS.toMillis(10));
        }
    }
}
