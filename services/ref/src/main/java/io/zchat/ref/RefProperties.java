package io.zchat.ref;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The reference service's settings.
 *
 * @param dataDir   where ref_servers.json lives
 * @param ref       its endpoint (bound on every interface, same port)
 * @param heartbeat a server silent for {@code timeout} leaves the list
 */
@ConfigurationProperties("chat")
public record RefProperties(@DefaultValue("./data") Path dataDir, @DefaultValue Ref ref,
                           @DefaultValue Heartbeat heartbeat) {

    public record Ref(@DefaultValue("tcp://localhost:6000") String endpoint) {
    }

    public record Heartbeat(@DefaultValue("1s") Duration interval, @DefaultValue("3s") Duration timeout) {
    }
}
