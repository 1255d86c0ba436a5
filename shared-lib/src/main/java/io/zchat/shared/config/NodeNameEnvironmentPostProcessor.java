package io.zchat.shared.config;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.Profiles;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Settles {@code chat.node-name} before logging starts, so every log line can carry it: the
 * configured name, else for a bot its {@code chat.user} or a random {@code bot-NNNN}, else the
 * host name.
 */
public class NodeNameEnvironmentPostProcessor implements EnvironmentPostProcessor {
    static final String NODE_NAME = "chat.node-name";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (environment.containsProperty(NODE_NAME) && !environment.getProperty(NODE_NAME, "").isBlank()) {
            return;
        }
        String name;
        if (environment.acceptsProfiles(Profiles.of("bot"))) {
            String user = environment.getProperty("chat.user", "");
            name = user.isBlank() ? "bot-" + ThreadLocalRandom.current().nextInt(1000, 10000) : user;
        } else {
            name = hostName();
        }
        environment.getPropertySources().addLast(new MapPropertySource("chatNodeName", Map.of(NODE_NAME, name)));
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "node-" + ProcessHandle.current().pid();
        }
    }
}
