package io.zchat.server;

import io.zchat.server.state.ChatState;
import io.zchat.server.store.ChatStore;
import io.zchat.shared.clock.Clocks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.io.IOException;

/** Opens the data directory and rebuilds the chat state from it before any request is taken. */
@Configuration(proxyBeanMethods = false)
public class StorageConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(StorageConfiguration.class);

    @Bean(destroyMethod = "close")
    public ChatStore chatStore(ServerProperties properties) throws IOException {
        LOG.info("data in {} (fsync {}, groups of up to {} requests)", properties.dataDir().toAbsolutePath(),
                properties.storage().fsync(), properties.storage().maxBatch());
        return ChatStore.open(properties.dataDir(), properties.storage().fsync());
    }

    @Bean
    public ChatState chatState(ChatStore store, Clocks clocks) throws IOException {
        ChatState state = new ChatState(store.loadedRegistry(), store::scan);
        long started = System.nanoTime();
        store.replay(state::replay);
        clocks.lamport().advanceTo(state.lastClock());
        LOG.info("restored {} users, {} channels, {} entries in {} ms (lamport {})", state.users().size(),
                state.channels().size(), state.lastSeq(), (System.nanoTime() - started) / 1_000_000,
                clocks.lamport().current());
        return state;
    }
}
