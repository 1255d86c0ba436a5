package io.zchat.client.terminal;

import io.zchat.client.ClientProperties;
import io.zchat.shared.client.ChatClient;
import io.zchat.shared.client.ChatSubscriber;
import io.zchat.shared.clock.Clocks;
import io.zchat.shared.config.Endpoints;
import io.zchat.shared.log.MessageLog;
import io.zchat.shared.wire.WireCodec;
import io.zchat.shared.zmq.ZmqSettings;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

import java.io.IOError;
import java.io.IOException;
import java.time.ZoneId;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The interactive user (every profile but {@code bot}): one thread reads the terminal, one thread
 * owns the request socket and runs the commands in the order typed (so typing never waits for the
 * servers), and the subscriber's thread shows what arrives. {@code /quit}, Ctrl-D or Ctrl-C ends
 * the application.
 */
@Component
@Profile("!bot")
public class InteractiveClient implements SmartLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(InteractiveClient.class);
    private static final long PROBE_SECONDS = 5;

    private final ClientProperties properties;
    private final Endpoints.Broker broker;
    private final Endpoints.Proxy proxy;
    private final WireCodec codec;
    private final Clocks clocks;
    private final MessageLog messageLog;
    private final ZmqSettings zmq;
    private final ApplicationContext context;
    private final CommandParser parser = new CommandParser();
    private final ChatView view = new ChatView(ZoneId.systemDefault());
    private final Directory directory = new Directory();
    /** The lifecycle's state; {@link #reading} ends first, when the user quits. */
    private volatile boolean started;
    private volatile boolean reading;
    private volatile ChatSession session;
    private Terminal terminal;
    private TerminalScreen screen;
    private LineReader reader;
    private ChatSubscriber subscriber;
    private ScheduledExecutorService requests;
    private ChatClient client;
    private Thread input;

    public InteractiveClient(ClientProperties properties, Endpoints.Broker broker, Endpoints.Proxy proxy,
                             WireCodec codec, Clocks clocks, MessageLog messageLog, ZmqSettings zmq,
                             ApplicationContext context) {
        this.properties = properties;
        this.broker = broker;
        this.proxy = proxy;
        this.codec = codec;
        this.clocks = clocks;
        this.messageLog = messageLog;
        this.zmq = zmq;
        this.context = context;
    }

    @Override
    public synchronized void start() {
        terminal = TerminalFactory.open();
        reader = LineReaderBuilder.builder().terminal(terminal).appName("zchat")
                .completer(new ChatCompleter(directory))
                .option(LineReader.Option.AUTO_FRESH_LINE, true)
                .build();
        screen = new TerminalScreen(reader);
        subscriber = new ChatSubscriber("chat-subscriber", proxy.xpub(), codec, clocks, messageLog, zmq, p -> {
            ChatSession current = session;
            if (current != null) {
                current.received(p);
            }
        });
        subscriber.start();
        requests = new ScheduledThreadPoolExecutor(1, r -> new Thread(r, "chat-requests"));
        requests.execute(this::openSession);
        requests.scheduleWithFixedDelay(this::probe, PROBE_SECONDS, PROBE_SECONDS, TimeUnit.SECONDS);
        started = true;
        reading = true;
        input = new Thread(this::readLines, "chat-input");
        // a read of a piped standard input cannot be interrupted: this thread must not keep the JVM up
        input.setDaemon(true);
        input.start();
    }

    private void openSession() {
        client = new ChatClient(broker.frontend(), codec, clocks, messageLog, properties.request().settings(), zmq);
        session = new ChatSession(client, subscriber, clocks, screen, view, directory);
        screen.show(view.notice("zchat on " + broker.frontend() + "; /help lists the commands"));
        String user = properties.user();
        session.execute(user == null || user.isBlank() ? new Command.Nothing() : new Command.Login(user.strip()));
        session.refreshPrompt();
        if (user == null || user.isBlank()) {
            screen.show(view.notice("/login NAME to start"));
        }
    }

    private void probe() {
        if (session != null) {
            session.probe();
        }
    }

    private void readLines() {
        while (reading) {
            String line;
            try {
                line = reader.readLine(screen.prompt());
            } catch (UserInterruptException | EndOfFileException e) {
                quit();
                return;
            } catch (IOError | IllegalStateException e) {
                if (reading) {
                    LOG.warn("terminal closed: {}", e.getMessage());
                    quit();
                }
                return;
            }
            Command command = parser.parse(line);
            if (command instanceof Command.Quit) {
                quit();
                return;
            }
            requests.execute(() -> session.execute(command));
        }
    }

    /** Ends the application from a thread of its own: closing the context stops this bean. */
    private void quit() {
        if (reading) {
            reading = false;
            Thread exit = new Thread(() -> System.exit(SpringApplication.exit(context, () -> 0)), "chat-exit");
            exit.start();
        }
    }

    @Override
    public synchronized void stop() {
        reading = false;
        if (!started) {
            return;
        }
        started = false;
        requests.execute(() -> {
            if (client != null) {
                client.close();
            }
        });
        requests.shutdown();
        try {
            if (!requests.awaitTermination(properties.request().timeout().multipliedBy(
                    properties.request().retries() + 2L).toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("a request was still waiting for the servers at shutdown");
                requests.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        subscriber.stop();
        try {
            terminal.close();
        } catch (IOException e) {
            LOG.debug("closing the terminal: {}", e.getMessage());
        }
        if (input != null && input != Thread.currentThread()) {
            try {
                input.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return started;
    }
}
