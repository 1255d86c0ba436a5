package io.zchat.client;

import io.zchat.shared.client.ChatClient;
import io.zchat.shared.client.ChatSubscriber;
import io.zchat.shared.client.RequestFailedException;
import io.zchat.shared.clock.Clocks;
import io.zchat.shared.config.Endpoints;
import io.zchat.shared.config.NodeProperties;
import io.zchat.shared.log.MessageLog;
import io.zchat.shared.wire.Replies;
import io.zchat.shared.wire.WireCodec;
import io.zchat.shared.zmq.ZmqSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.List;
import java.util.Random;

/**
 * The automatic user of the {@code bot} profile: logs in, subscribes to its own name and every
 * channel, then forever sends a round of messages to a random channel, now and then a direct
 * message to a known user, and now and then creates a channel. Survives servers coming and going.
 */
@Component
@Profile("bot")
public class BotRunner implements SmartLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(BotRunner.class);
    private static final Duration BACKOFF = Duration.ofSeconds(1);

    private final String user;
    private final ClientProperties properties;
    private final Endpoints.Broker broker;
    private final WireCodec codec;
    private final Clocks clocks;
    private final MessageLog messageLog;
    private final ZmqSettings zmq;
    private final ChatSubscriber subscriber;
    private final Random random = new Random();
    private volatile boolean running;
    private Thread thread;

    public BotRunner(NodeProperties node, ClientProperties properties, Endpoints.Broker broker,
                     Endpoints.Proxy proxy, WireCodec codec, Clocks clocks, MessageLog messageLog, ZmqSettings zmq) {
        this.user = properties.user() != null && !properties.user().isBlank() ? properties.user() : node.nodeName();
        this.properties = properties;
        this.broker = broker;
        this.codec = codec;
        this.clocks = clocks;
        this.messageLog = messageLog;
        this.zmq = zmq;
        this.subscriber = new ChatSubscriber("bot-subscriber", proxy.xpub(), codec, clocks, messageLog, zmq,
                publication -> { });
    }

    @Override
    public synchronized void start() {
        subscriber.start();
        running = true;
        thread = new Thread(this::run, "bot-" + user);
        thread.start();
    }

    @Override
    public synchronized void stop() {
        running = false;
        if (thread != null) {
            try {
                thread.join(properties.request().timeout().multipliedBy(properties.request().retries() + 2).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
        }
        subscriber.stop();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void run() {
        try (ChatClient client = new ChatClient(broker.frontend(), codec, clocks, messageLog,
                properties.request().settings(), zmq)) {
            subscriber.subscribe(user);
            loginUntilAccepted(client);
            int round = 0;
            while (running) {
                try {
                    round(client, ++round);
                } catch (RequestFailedException e) {
                    LOG.warn("request failed, retrying: {}", e.getMessage());
                    pause(BACKOFF);
                }
            }
        } catch (RuntimeException e) {
            LOG.error("bot stopped by an unexpected error", e);
        }
    }

    private void loginUntilAccepted(ChatClient client) {
        while (running) {
            try {
                Replies.Status status = client.login(user);
                if (status.ok()) {
                    LOG.info("logged in as {}", user);
                    return;
                }
                LOG.error("login refused: {}", status.description());
                running = false;
            } catch (RequestFailedException e) {
                LOG.warn("login failed, retrying: {}", e.getMessage());
                pause(BACKOFF);
            }
        }
    }

    private void round(ChatClient client, int round) {
        List<String> channels = client.channels();
        channels.forEach(subscriber::subscribe);
        if (random.nextDouble() < properties.bot().newChannelChance()) {
            String name = "room-" + (1000 + random.nextInt(9000));
            Replies.Status created = client.createChannel(name);
            if (created.ok()) {
                subscriber.subscribe(name);
            }
        }
        String channel = channels.get(random.nextInt(channels.size()));
        for (int i = 1; i <= properties.bot().messagesPerRound() && running; i++) {
            client.publish(user, channel, "auto message " + i + " of round " + round);
            pause(properties.bot().pause());
        }
        if (running && random.nextDouble() < properties.bot().directChance()) {
            List<String> others = client.users().stream().filter(u -> !u.equals(user)).toList();
            if (!others.isEmpty()) {
                String to = others.get(random.nextInt(others.size()));
                client.message(user, to, "hello " + to + ", this is " + user);
            }
        }
    }

    private void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
