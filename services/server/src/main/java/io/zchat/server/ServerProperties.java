package io.zchat.server;

import io.zchat.server.store.FsyncPolicy;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.nio.file.Path;

/**
 * A server's own settings.
 *
 * @param dataDir where publications.jsonl, messages.jsonl and registry.json live
 * @param storage durability and batching of writes
 */
@ConfigurationProperties("chat")
public record ServerProperties(@DefaultValue("./data") Path dataDir, @DefaultValue Storage storage) {

    /**
     * @param fsync    {@code batch}: fsync once per group of appends, before their replies; {@code never}
     * @param maxBatch most requests taken into one group commit
     */
    public record Storage(@DefaultValue("batch") FsyncPolicy fsync, @DefaultValue("1024") int maxBatch) {
    }
}
