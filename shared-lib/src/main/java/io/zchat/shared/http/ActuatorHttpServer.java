package io.zchat.shared.http;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Serves Actuator's web endpoints (health, info, prometheus, and the rest under the "ops" profile)
 * on the JDK's own HTTP server instead of Tomcat and Spring MVC: a role then loads some 1,600
 * classes fewer and stays about 20 MB smaller under load, scraped once a second (docs/benchmarks-history.md), which is what lets a
 * server run the C2 compiler within its memory bound.
 *
 * <p>The JDK's server reads a request on the thread that will answer it, so a client that connects
 * and never finishes its request holds a thread: up to {@value #MAX_THREADS} threads are started
 * as needed (further connections are closed until one is free), and a request not read and
 * answered within {@code requestTimeout} has its connection closed.
 */
public final class ActuatorHttpServer implements SmartLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(ActuatorHttpServer.class);
    static final int MAX_THREADS = 16;

    private final int requestedPort;
    private final Duration requestTimeout;
    private final String basePath;
    private final EndpointHttpHandler handler;
    private HttpServer server;
    private ExecutorService threads;

    ActuatorHttpServer(int port, Duration requestTimeout, String basePath, EndpointHttpHandler handler) {
        this.requestedPort = port;
        this.requestTimeout = requestTimeout;
        this.basePath = basePath;
        this.handler = handler;
    }

    @Override
    public synchronized void start() {
        // read once, when the JDK's server classes load; seconds, at least 1
        String seconds = String.valueOf(Math.max(1, requestTimeout.toSeconds()));
        System.setProperty("sun.net.httpserver.maxReqTime", seconds);
        System.setProperty("sun.net.httpserver.maxRspTime", seconds);
        try {
            server = HttpServer.create(new InetSocketAddress(requestedPort), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("Actuator cannot listen on port " + requestedPort, e);
        }
        AtomicInteger count = new AtomicInteger();
        threads = new ThreadPoolExecutor(0, MAX_THREADS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), task -> {
            Thread thread = new Thread(task, "actuator-http-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(threads);
        server.createContext(basePath, handler);
        server.start();
        LOG.info("Actuator serves http://localhost:{}{}", port(), basePath);
    }

    @Override
    public synchronized void stop() {
        if (server != null) {
            server.stop(0);
            threads.shutdownNow();
            try {
                threads.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            server = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return server != null;
    }

    /** The port it listens on (the one chosen when asked for port 0); -1 when stopped. */
    public synchronized int port() {
        return server == null ? -1 : server.getAddress().getPort();
    }

    /** The phase Boot gives its embedded web server: started and stopped as Tomcat was. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 1;
    }
}
