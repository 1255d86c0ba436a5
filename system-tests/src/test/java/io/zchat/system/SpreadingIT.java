package io.zchat.system;

import io.zchat.shared.client.ChatClient;
import io.zchat.system.support.LocalCluster;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** With two servers behind the broker, requests are spread across both. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SpreadingIT {
    @AutoClose
    private static LocalCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = new LocalCluster("spreading").startInfrastructure();
        // with min-acks 2 neither can lead (and become ready) alone
        cluster.launchServer("server-1");
        cluster.launchServer("server-2");
        cluster.server("server-1").awaitReady();
        cluster.server("server-2").awaitReady();
    }

    @Test
    void requestsReachBothServers() throws Exception {
        ChatClient client = cluster.client();
        int requests = 40;
        for (int i = 0; i < requests; i++) {
            assertThat(client.users()).isNotNull();
        }
        double one = usersHandled("server-1");
        double two = usersHandled("server-2");
        System.out.printf("users requests handled: server-1 %.0f, server-2 %.0f%n", one, two);
        assertThat(one + two).isEqualTo(requests);
        assertThat(one).isPositive();
        assertThat(two).isPositive();
    }

    private static double usersHandled(String server) throws Exception {
        return cluster.server(server).metric("chat_requests_seconds_count", "service", "users").orElse(0);
    }
}
