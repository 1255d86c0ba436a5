package io.zchat.loadgen;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.zchat.shared.client.ChatClient;
import io.zchat.shared.client.ClientSettings;
import io.zchat.shared.clock.Clocks;
import io.zchat.shared.clock.LamportClock;
import io.zchat.shared.clock.PhysicalClock;
import io.zchat.shared.log.MessageLog;
import io.zchat.shared.wire.Replies;
import io.zchat.shared.wire.WireCodec;
import io.zchat.shared.zmq.ZmqSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.CommandLineRunner;
import org.springframework.boot.ExitCodeGenerator;
import org.springframework.stereotype.Component;
import org.zeromq.ZContext;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One run: log the users in and create the channels (through the broker, like any client), then
 * drive the load, watch deliveries and lag, and report. Exits non-zero when nothing was acknowledged.
 */
@Component
public class LoadRun implements CommandLineRunner, ExitCodeGenerator {
    private static final Logger LOG = LoggerFactory.getLogger(LoadRun.class);

    private final LoadProperties properties;
    private final WireCodec codec = new WireCodec();
    private final Clocks clocks = new Clocks(new LamportClock(), PhysicalClock.system());
    private int exitCode;

    public LoadRun(LoadProperties properties) {
        this.properties = properties;
    }

    @Override
    public void run(String... args) throws Exception {
        prepare();
        try (ZContext context = new ZContext()) {
            context.setLinger(0);
            drive(context);
        }
    }

    private void drive(ZContext context) throws Exception {
        RunClock clock = RunClock.startingNow(properties);
        List<Driver> drivers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < properties.workers(); w++) {
            int share = properties.connections() / properties.workers()
                    + (w < properties.connections() % properties.workers() ? 1 : 0);
            Workload workload = new Workload(properties, codec, clocks, 31L * w + 7,
                    "lg-" + ProcessHandle.current().pid() + "-" + w + "-");
            Driver driver = new Driver(properties, codec, workload, clock, context, share, w);
            drivers.add(driver);
            threads.add(new Thread(driver, "loadgen-" + w));
        }
        DeliveryProbe delivery = new DeliveryProbe(properties, codec, clocks, clock);
        LagReader lag = new LagReader(properties.metrics());
        // a first reading now, in the warm-up: the HTTP client's classes load (a metaspace
        // collection in the measured part otherwise)
        lag.read();
        delivery.start();
        threads.forEach(Thread::start);
        sleepUntil(clock.lagReadAt());
        List<LagReader.Reading> lagBefore = lag.read();
        for (Thread thread : threads) {
            thread.join();
        }
        Recorder total = new Recorder();
        drivers.forEach(driver -> total.add(driver.recorder()));
        long deliveriesExpected = total.acknowledged(Kind.PUBLISH) * properties.subscribers();
        delivery.awaitDeliveries(deliveriesExpected, properties.timeout());
        delivery.stop();
        LagReport lagReport = LagReport.of(lagBefore, lag.read());

        Report report = report(drivers, total, deliveriesExpected, delivery, lagReport, clock);
        System.out.print(report.table());
        ObjectMapper json = WireCodec.jsonMapper().copy().enable(SerializationFeature.INDENT_OUTPUT);
        Files.writeString(properties.output(), json.writeValueAsString(report));
        System.out.println("report written to " + properties.output().toAbsolutePath());
        exitCode = report.perSecond() > 0 ? 0 : 1;
    }

    @Override
    public int getExitCode() {
        return exitCode;
    }

    /** Users and channels the load needs; an existing one is fine. */
    private void prepare() {
        try (ChatClient client = new ChatClient(properties.broker(), codec, clocks, new MessageLog(false),
                new ClientSettings(Duration.ofSeconds(3), 3), ZmqSettings.defaults().withCurve(properties.curve()))) {
            for (int i = 0; i < properties.users(); i++) {
                client.login(Workload.user(i));
            }
            for (int i = 0; i < properties.channels(); i++) {
                Replies.Status created = client.createChannel(Workload.channel(i));
                if (!created.ok() && !client.channels().contains(Workload.channel(i))) {
                    throw new IllegalStateException("cannot create " + Workload.channel(i) + ": "
                            + created.description());
                }
            }
        }
        LOG.info("{} users and {} channels ready", properties.users(), properties.channels());
    }

    private Report report(List<Driver> drivers, Recorder total, long deliveriesExpected, DeliveryProbe delivery,
                          LagReport lag, RunClock clock) {
        long unsent = drivers.stream().mapToLong(Driver::unsent).sum();
        Map<String, Map<String, Object>> kinds = new LinkedHashMap<>();
        for (Kind kind : Kind.values()) {
            if (total.acknowledged(kind) + total.errors(kind) + total.timeouts(kind) == 0) {
                continue;
            }
            Map<String, Object> k = new LinkedHashMap<>();
            k.put("acknowledged", total.acknowledged(kind));
            k.put("errors", total.errors(kind));
            k.put("timeouts", total.timeouts(kind));
            k.put("latencyMs", Report.percentiles(total.latency(kind), 1000));
            kinds.put(kind.name().toLowerCase(), k);
        }
        Map<String, Object> setup = new LinkedHashMap<>();
        setup.put("mode", properties.openLoop() ? "open loop at " + properties.rate() + "/s"
                : "saturation, " + properties.connections() * properties.inFlight() + " in flight");
        setup.put("connections", properties.connections());
        setup.put("workers", properties.workers());
        setup.put("messageSize", properties.messageSize());
        setup.put("mix", Map.of("publish", properties.publish(), "message", properties.message(),
                "history", properties.history()));
        setup.put("channels", properties.channels());
        setup.put("subscribers", properties.subscribers());
        setup.put("warmupS", properties.warmup().toMillis() / 1000.0);
        double seconds = clock.measuredSeconds();
        double acked = total.latency().getTotalCount();
        return new Report(setup, seconds, acked / seconds, Report.percentiles(total.latency(), 1000), kinds, unsent,
                Report.percentiles(delivery.latency(), 1000), deliveriesExpected, lag, total.duplicates());
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long wait = nanos - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }
}
