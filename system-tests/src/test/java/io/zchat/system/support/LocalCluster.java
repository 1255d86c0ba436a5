package io.zchat.system.support;

import io.zchat.shared.client.ChatClient;
import io.zchat.shared.client.ChatSubscriber;
import io.zchat.shared.client.ClientSettings;
import io.zchat.shared.client.Publication;
import io.zchat.shared.clock.Clocks;
import io.zchat.shared.clock.LamportClock;
import io.zchat.shared.clock.PhysicalClock;
import io.zchat.shared.log.MessageLog;
import io.zchat.shared.wire.WireCodec;
import io.zchat.shared.zmq.ZmqSettings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Broker, proxy and servers as separate JVMs on loopback, on free ports, each server with its
 * own data directory; plus clients of the client library pointed at them. One per test class.
 */
public final class LocalCluster implements AutoCloseable {
    private final Path workDir;
    private final int frontend = FreePorts.next();
    private final int backend = FreePorts.next();
    private final int xsub = FreePorts.next();
    private final int xpub = FreePorts.next();
    private final int refPort = FreePorts.next();
    private final Map<String, Integer> peerPorts = new LinkedHashMap<>();
    private final Map<String, NodeProcess> servers = new LinkedHashMap<>();
    private final Map<String, Integer> serverHttpPorts = new LinkedHashMap<>();
    private final List<AutoCloseable> clients = new ArrayList<>();
    private final WireCodec codec = new WireCodec();
    private final List<NodeProcess> clientProcesses = new ArrayList<>();
    private final List<String> nodeArgs = new ArrayList<>();
    private NodeProcess ref;
    private int refHttpPort;
    private int brokerHttpPort;
    private int proxyHttpPort;
    private NodeProcess broker;
    private NodeProcess proxy;

    public LocalCluster(String testName) throws IOException {
        this.workDir = NodeProcess.root().resolve("system-tests/target/clusters")
                .resolve(testName + "-" + System.currentTimeMillis());
        Files.createDirectories(workDir);
    }

    /** Arguments every ref, broker, proxy and server of this cluster starts with (e.g. CURVE keys); before any start. */
    public LocalCluster withNodeArgs(String... args) {
        nodeArgs.addAll(List.of(args));
        return this;
    }

    /** Ref, broker and proxy: what servers and clients need. */
    public LocalCluster startInfrastructure() throws IOException, InterruptedException {
        ref = startRef();
        startBroker();
        startProxy();
        ref.awaitReady();
        broker.awaitReady();
        proxy.awaitReady();
        return this;
    }

    /** Starts (or restarts, on the same ports) the broker, without waiting for it to be ready. */
    public NodeProcess startBroker() throws IOException {
        if (brokerHttpPort == 0) {
            brokerHttpPort = FreePorts.next();
        }
        broker = new NodeProcess("broker", "broker", brokerHttpPort, withNodeArgs(List.of(
                "--chat.broker.frontend=" + tcp(frontend), "--chat.broker.backend=" + tcp(backend))), logs()).start();
        return broker;
    }

    /** Starts (or restarts, on the same ports) the proxy, without waiting for it to be ready. */
    public NodeProcess startProxy(String... extraArgs) throws IOException {
        if (proxyHttpPort == 0) {
            proxyHttpPort = FreePorts.next();
        }
        List<String> args = new ArrayList<>(List.of("--chat.proxy.xsub=" + tcp(xsub), "--chat.proxy.xpub=" + tcp(xpub)));
        args.addAll(List.of(extraArgs));
        proxy = new NodeProcess("proxy", "proxy", proxyHttpPort, withNodeArgs(args), logs()).start();
        return proxy;
    }

    public NodeProcess broker() {
        return broker;
    }

    public NodeProcess proxy() {
        return proxy;
    }

    /** The proxy's publisher endpoint. */
    public String xsubEndpoint() {
        return tcp(xsub);
    }

    /** Starts (or restarts, on the same data directory and ports) the reference service. */
    public NodeProcess startRef() throws IOException {
        if (refHttpPort == 0) {
            refHttpPort = FreePorts.next();
        }
        ref = new NodeProcess("ref", "ref", refHttpPort, withNodeArgs(List.of("--chat.ref.endpoint=" + tcp(refPort),
                "--chat.data-dir=" + dataDir("ref"))), logs()).start();
        return ref;
    }

    public NodeProcess ref() {
        return ref;
    }

    public String refEndpoint() {
        return tcp(refPort);
    }

    /** Starts (or restarts, on the same data directory and port) server {@code name}. */
    public NodeProcess startServer(String name, String... extraArgs) throws IOException, InterruptedException {
        return launchServer(name, extraArgs).awaitReady();
    }

    /**
     * Starts servers together (a server is ready only once a quorum is up, so one by one would
     * wait on itself), then waits until every one is ready.
     */
    public void startServers(List<String> names, String... extraArgs) throws IOException, InterruptedException {
        for (String name : names) {
            launchServer(name, extraArgs);
        }
        for (String name : names) {
            servers.get(name).awaitReady();
        }
    }

    /** Starts server {@code name} without waiting for it to be ready. */
    public NodeProcess launchServer(String name, String... extraArgs) throws IOException {
        int httpPort = serverHttpPorts.computeIfAbsent(name, n -> FreePorts.next());
        int peerPort = peerPorts.computeIfAbsent(name, n -> FreePorts.next());
        List<String> args = new ArrayList<>(List.of(
                "--chat.data-dir=" + dataDir(name), "--chat.ref.endpoint=" + tcp(refPort),
                "--chat.peer.port=" + peerPort, "--chat.peer.host=127.0.0.1",
                "--chat.broker.backend=" + tcp(backend), "--chat.proxy.xsub=" + tcp(xsub),
                "--chat.proxy.xpub=" + tcp(xpub)));
        args.addAll(List.of(extraArgs));
        NodeProcess server = new NodeProcess(name, "server", httpPort, withNodeArgs(args), logs()).start();
        servers.put(name, server);
        return server;
    }

    /** Starts the client jar (interactive unless {@code args} choose the bot profile) on this cluster. */
    public NodeProcess startClient(String name, String... extraArgs) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("--chat.broker.frontend=" + tcp(frontend),
                "--chat.proxy.xpub=" + tcp(xpub)));
        args.addAll(List.of(extraArgs));
        NodeProcess client = new NodeProcess(name, "client", FreePorts.next(), args, logs()).start();
        clientProcesses.add(client);
        return client.awaitReady();
    }

    /** The broker's server endpoint. */
    public String brokerBackendEndpoint() {
        return tcp(backend);
    }

    /** The broker's client endpoint. */
    public String brokerEndpoint() {
        return tcp(frontend);
    }

    /** The proxy's subscriber endpoint. */
    public String xpubEndpoint() {
        return tcp(xpub);
    }

    /** Where this cluster keeps its logs and data. */
    public Path workDir() {
        return workDir;
    }

    /** The peer endpoint of server {@code name}. */
    public String peerEndpoint(String name) {
        return tcp(peerPorts.get(name));
    }

    public java.util.Collection<NodeProcess> servers() {
        return servers.values();
    }

    /** Every node started so far (ref, broker, proxy, then the servers), running or not. */
    public List<NodeProcess> nodes() {
        List<NodeProcess> nodes = new ArrayList<>();
        for (NodeProcess node : new NodeProcess[] {ref, broker, proxy}) {
            if (node != null) {
                nodes.add(node);
            }
        }
        nodes.addAll(servers.values());
        return nodes;
    }

    /** Waits (bounded) until the named servers agree on a coordinator; returns it. */
    public String agreedCoordinator(List<String> names) {
        String[] agreed = new String[1];
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                .until(() -> (agreed[0] = coordinatorAgreedBy(names)) != null);
        return agreed[0];
    }

    /** Waits (bounded, 20 s) until one of the named servers says in its health that it is coordinator; returns it. */
    public String selfDeclaredCoordinator(List<String> names) {
        String[] found = new String[1];
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    for (String name : names) {
                        ServerHealth health = ServerHealth.of(server(name));
                        if (health != null && health.isCoordinator()) {
                            found[0] = name;
                            return true;
                        }
                    }
                    return false;
                });
        return found[0];
    }

    /**
     * Waits (bounded by {@code within}) until the named servers agree on a coordinator other than
     * {@code previous}; returns it.
     */
    public String awaitSuccessor(List<String> names, String previous, Duration within) {
        String[] next = new String[1];
        org.awaitility.Awaitility.await().atMost(within).pollInterval(Duration.ofMillis(50)).until(() -> {
            next[0] = coordinatorAgreedBy(names);
            return next[0] != null && !next[0].equals(previous);
        });
        return next[0];
    }

    /** The coordinator every named server's health shows, or null while they disagree. */
    public String coordinatorAgreedBy(List<String> names) {
        List<String> seen = names.stream().map(n -> ServerHealth.of(server(n)))
                .map(h -> h == null ? null : h.coordinator()).toList();
        String first = seen.get(0);
        boolean same = first != null && !first.equals("null") && seen.stream().allMatch(s -> Objects.equals(s, first));
        return same ? first : null;
    }

    public NodeProcess server(String name) {
        return servers.get(name);
    }

    public Path dataDir(String name) {
        return workDir.resolve("data").resolve(name);
    }

    public ChatClient client() {
        return client(new ClientSettings(Duration.ofSeconds(3), 2));
    }

    public ChatClient client(ClientSettings settings) {
        return client(settings, zmq());
    }

    /** A client with socket settings of its own (e.g. its CURVE keys). */
    public ChatClient client(ClientSettings settings, ZmqSettings zmq) {
        ChatClient client = new ChatClient(tcp(frontend), codec, clocks(), new MessageLog(false), settings, zmq);
        clients.add(client);
        return client;
    }

    public ChatSubscriber subscriber(String name, Consumer<Publication> listener) {
        return subscriber(name, zmq(), listener);
    }

    public ChatSubscriber subscriber(String name, ZmqSettings zmq, Consumer<Publication> listener) {
        ChatSubscriber subscriber = new ChatSubscriber(name, tcp(xpub), codec, clocks(), new MessageLog(false), zmq,
                listener);
        subscriber.start();
        clients.add(subscriber::stop);
        return subscriber;
    }

    public WireCodec codec() {
        return codec;
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable client : clients) {
            client.close();
        }
        for (NodeProcess client : clientProcesses) {
            client.stop();
        }
        for (NodeProcess server : servers.values()) {
            server.resume(); // a test may leave one paused (SIGSTOP), which SIGTERM would not end
            server.stop();
        }
        if (proxy != null) {
            proxy.stop();
        }
        if (broker != null) {
            broker.stop();
        }
        if (ref != null) {
            ref.stop();
        }
    }

    private Path logs() {
        return workDir.resolve("logs");
    }

    private List<String> withNodeArgs(List<String> args) {
        List<String> all = new ArrayList<>(args);
        all.addAll(nodeArgs);
        return all;
    }

    public static Clocks clocks() {
        return new Clocks(new LamportClock(), PhysicalClock.system());
    }

    /** Socket settings of the clients this class makes: short polls, no CURVE. */
    public static ZmqSettings zmq() {
        return ZmqSettings.defaults().withPollTimeout(Duration.ofMillis(10));
    }

    private static String tcp(int port) {
        return "tcp://127.0.0.1:" + port;
    }
}
