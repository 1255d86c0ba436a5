package io.zchat.server.store;

import io.zchat.server.log.LogEntry;
import io.zchat.server.state.RegistryView;

import java.io.Closeable;
import java.io.IOException;

/**
 * Turns committed log entries into the three user-facing files, each exactly once and in log
 * order, so that every server's files end byte-identical. Each file remembers how far it got, so
 * after a crash between two files' writes the missing lines are added and nothing is doubled.
 */
public final class ViewWriter implements Closeable {
    private final ChatStore store;
    private final RegistryView registry;
    private long postsSeq;
    private long messagesSeq;
    private long appliedSeq;
    private boolean registryDirty;

    public ViewWriter(ChatStore store) throws IOException {
        this.store = store;
        this.registry = new RegistryView(store.loadedRegistry());
        this.postsSeq = store.lastSeq(true);
        this.messagesSeq = store.lastSeq(false);
        this.appliedSeq = Math.max(registry.seq(), Math.max(postsSeq, messagesSeq));
        this.registryDirty = store.loadedRegistry() == null;
    }

    /** The highest seq the files are known to reflect: entries up to it were committed. */
    public long appliedSeq() {
        return appliedSeq;
    }

    /** Adds a committed entry to the file it belongs to, unless that file already has it. */
    public void apply(LogEntry entry) {
        switch (entry.op()) {
            case PUBLISH -> {
                if (entry.seq() > postsSeq) {
                    store.append(entry.toStored());
                    postsSeq = entry.seq();
                }
            }
            case MESSAGE -> {
                if (entry.seq() > messagesSeq) {
                    store.append(entry.toStored());
                    messagesSeq = entry.seq();
                }
            }
            case LOGIN, CHANNEL -> registryDirty |= registry.apply(entry);
        }
        appliedSeq = Math.max(appliedSeq, entry.seq());
    }

    /** Hands this group's lines to the OS and replaces registry.json if it changed. */
    public void commit() throws IOException {
        if (registryDirty) {
            store.stageRegistry(registry.snapshot());
            registryDirty = false;
        }
        store.commit();
    }

    public ChatStore store() {
        return store;
    }

    @Override
    public void close() throws IOException {
        commit();
        store.close();
    }
}
