package io.zchat.server;

import io.zchat.server.log.ReplicationLog;
import io.zchat.server.log.TermFile;
import io.zchat.server.state.ChatState;
import io.zchat.server.store.ChatStore;
import io.zchat.server.store.FsyncPolicy;
import io.zchat.server.store.ViewWriter;
import io.zchat.shared.clock.Clocks;
import io.zchat.shared.zmq.ZmqSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.io.IOException;

/**
 * Opens the data directory: the replicated log (replayed into the chat state before any request is
 * taken), the term, and the user-facing files it is written out to.
 */
@Configuration(proxyBeanMethods = false)
public class StorageConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(StorageConfiguration.class);

    /** The user-facing files are views of the log: the log is what must be durable, so they are not fsynced. */
    @Bean(destroyMethod = "close")
    public ViewWriter viewWriter(ServerProperties properties) throws IOException {
        return new ViewWriter(ChatStore.open(properties.dataDir(), FsyncPolicy.NEVER));
    }

    /**
     * Retried ids are confirmed against the log, which is opened after (and from) this state. A
     * history reply leaves room under the message size limit for its envelope.
     */
    @Bean
    public ChatState chatState(ViewWriter views, ObjectProvider<ReplicationLog> log, ZmqSettings zmq) {
        return new ChatState(views.store()::scan, seq -> log.getObject().idAt(seq),
                zmq.maxMessageSize().toBytes() - HISTORY_ENVELOPE_BYTES);
    }

    /** A history reply's fields besides its entries (status, description, timestamp, clock): far less. */
    static final int HISTORY_ENVELOPE_BYTES = 4096;

    @Bean(destroyMethod = "close")
    public ReplicationLog replicationLog(ServerProperties properties, ChatState state, ViewWriter views,
                                         Clocks clocks) throws IOException {
        LOG.info("data in {} (fsync {}, groups of up to {} requests, min-acks {})",
                properties.dataDir().toAbsolutePath(), properties.storage().fsync(), properties.storage().maxBatch(),
                properties.replication().minAcks());
        long started = System.nanoTime();
        long committedBefore = views.appliedSeq();
        boolean viewsDamaged = views.damage() != null;
        ReplicationLog log = ReplicationLog.open(properties.dataDir(), properties.storage().fsync(),
                properties.replication().memoryEntries(), entry -> {
                    state.apply(entry);
                    if (!viewsDamaged && entry.seq() <= committedBefore) {
                        views.apply(entry);
                    }
                });
        if (viewsDamaged || log.lastSeq() < committedBefore) {
            // the files cannot be patched line by line: a damaged one, or a log cut before what they
            // show (which leaves holes in whichever file had fallen behind), so all are written again
            LOG.warn("writing publications, messages and registry again from the log: {}", viewsDamaged
                    ? views.damage() : "the log ends at seq " + log.lastSeq() + ", before seq " + committedBefore
                    + " the files reflect (the rest comes from the peers)");
            views.rebuild();
            log.forEach(entry -> {
                if (entry.seq() <= committedBefore) {
                    views.apply(entry);
                }
            });
        }
        views.commit();
        clocks.lamport().advanceTo(state.lastClock());
        LOG.info("restored {} log entries ({} users, {} channels) in {} ms (lamport {})", log.lastSeq(),
                state.users().size(), state.channels().size(), (System.nanoTime() - started) / 1_000_000,
                clocks.lamport().current());
        return log;
    }

    @Bean
    public TermFile termFile(ServerProperties properties) throws IOException {
        return new TermFile(properties.dataDir());
    }
}
