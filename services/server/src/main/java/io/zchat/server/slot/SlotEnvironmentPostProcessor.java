package io.zchat.server.slot;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * With {@code chat.slots.dir} set (compose: a volume shared by the server replicas) and no
 * {@code chat.node-name}, claims the first free slot {@code server-N} and takes from it the node
 * name and the data directory {@code <chat.data-dir>/server-N}. With {@code chat.peer.advertise-ip},
 * advertises this host's IP address as the peer host (a replica's host name is not stable).
 * Runs before the node name is settled for logging.
 */
public class SlotEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {
    private static final int MAX_SLOTS = 64;
    /** Held for the life of the process: releasing it would let another replica take this name. */
    private static volatile SlotClaim claimed;

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Map<String, Object> settled = new HashMap<>();
        String slots = environment.getProperty("chat.slots.dir", "");
        boolean named = !environment.getProperty("chat.node-name", "").isBlank();
        if (!slots.isBlank() && !named) {
            String prefix = environment.getProperty("chat.slots.prefix", "server-");
            try {
                if (claimed == null || !claimed.isValid()) {
                    claimed = SlotClaim.claim(Path.of(slots), prefix, MAX_SLOTS);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot claim a server slot in " + slots, e);
            }
            settled.put("chat.node-name", claimed.name());
            String dataRoot = environment.getProperty("chat.data-dir", "./data");
            settled.put("chat.data-dir", Path.of(dataRoot).resolve(claimed.name()).toString());
        }
        if (environment.getProperty("chat.peer.advertise-ip", Boolean.class, false)) {
            try {
                settled.put("chat.peer.host", InetAddress.getLocalHost().getHostAddress());
            } catch (UnknownHostException e) {
                throw new IllegalStateException("cannot find this host's address to advertise", e);
            }
        }
        if (!settled.isEmpty()) {
            environment.getPropertySources().addFirst(new MapPropertySource("chatSlot", settled));
        }
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 100;
    }
}
