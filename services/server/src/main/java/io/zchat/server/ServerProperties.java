package io.zchat.server;

import io.zchat.server.store.FsyncPolicy;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import org.springframework.util.unit.DataSize;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A server's own settings.
 *
 * @param dataDir where publications.jsonl, messages.jsonl and registry.json live
 * @param storage     durability and batching of writes
 * @param replication how writes reach the other servers
 * @param shutdown    how a stop (SIGTERM) ends the work in flight
 */
@ConfigurationProperties("chat")
public record ServerProperties(@DefaultValue("./data") Path dataDir, @DefaultValue Storage storage,
                               @DefaultValue Replication replication, @DefaultValue Shutdown shutdown) {

    /**
     * @param fsync    {@code batch}: fsync once per group of appends, before their replies; {@code never}
     * @param maxBatch most requests taken into one group commit
     * @param maxWaitingWrites this server's clients' writes that may wait for replication at once;
     *                 beyond it a write is refused at once ("busy") rather than queued past the
     *                 clients' patience, so an overload stays an overload and not a collapse
     * @param viewInterval how often committed entries are added to publications.jsonl,
     *                 messages.jsonl and registry.json (views of the log, rebuilt from it after a crash)
     */
    public record Storage(@DefaultValue("batch") FsyncPolicy fsync, @DefaultValue("1024") int maxBatch,
                          @DefaultValue("1024") int maxWaitingWrites, @DefaultValue("100ms") Duration viewInterval) {
    }

    /**
     * @param minAcks       servers (the coordinator included) that must hold an entry before it is acknowledged
     * @param fetchWait     how long the coordinator holds a follower's fetch when it has nothing new
     * @param fetchEntries  most entries in one fetch answer
     * @param fetchBytes    most bytes of entries in one fetch answer
     * @param retryAfter    a fetch or forward without an answer is sent again after this
     * @param memoryEntries most log lines kept in memory for followers that have not fetched them yet (older
     *                      ones are read from disk)
     */
    public record Replication(@DefaultValue("2") int minAcks, @DefaultValue("1s") Duration fetchWait,
                              @DefaultValue("4096") int fetchEntries, @DefaultValue("1MB") DataSize fetchBytes,
                              @DefaultValue("2s") Duration retryAfter, @DefaultValue("4096") int memoryEntries) {
        public Replication {
            if (minAcks < 1) {
                throw new IllegalArgumentException("chat.replication.min-acks must be at least 1, not " + minAcks);
            }
        }
    }

    /**
     * @param drain the longest a stopping server keeps answering the requests it had taken (it
     *              takes no new ones) before it closes its sockets
     */
    public record Shutdown(@DefaultValue("5s") Duration drain) {
    }
}
