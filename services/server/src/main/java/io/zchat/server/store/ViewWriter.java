package io.zchat.server.store;

import io.zchat.server.log.LogEntry;
import io.zchat.server.log.LogEntryJson;
import io.zchat.server.state.RegistryView;

import java.io.Closeable;
import java.io.IOException;

/**
 * Turns committed log entries into the three user-facing files, each exactly once and in log
 * order, so that every server's files end byte-identical. Each file remembers how far it got, so
 * after a crash between two files' writes the missing lines are added and nothing is doubled.
 * Files found damaged are emptied and written again from the log ({@link #rebuild()}).
 */
public final class ViewWriter implements Closeable {
    private final ChatStore store;
    private RegistryView registry;
    /** The highest seq the files showed as committed when opened (kept through a rebuild). */
    private final long committedFloor;
    private long postsSeq;
    private long messagesSeq;
    private long appliedSeq;
    private boolean registryDirty;

    public ViewWriter(ChatStore store) {
        this.store = store;
        this.registry = new RegistryView(store.loadedRegistry());
        this.postsSeq = store.lastSeq(true);
        this.messagesSeq = store.lastSeq(false);
        this.appliedSeq = Math.max(registry.seq(), Math.max(postsSeq, messagesSeq));
        this.registryDirty = store.loadedRegistry() == null;
        this.committedFloor = appliedSeq;
    }

    /**
     * The highest seq the intact files reflected when they were opened: entries up to it were
     * committed, so a log that ends before it lost committed entries (and must get them back
     * from a peer before this server may lead).
     */
    public long committedFloor() {
        return committedFloor;
    }

    /** The first damaged or unsealed record found in the files, or null. */
    public String damage() {
        return store.damage();
    }

    /** The last damage found in the files, even after they were written again, or null. */
    public String lastDamage() {
        return store.lastDamage();
    }

    /** Empties the files: the entries are applied again from the log, from the first one. */
    public void rebuild() throws IOException {
        store.empty();
        registry = new RegistryView(null);
        postsSeq = 0;
        messagesSeq = 0;
        appliedSeq = 0;
        registryDirty = true;
    }

    /** True while something applied has not reached the files (a commit failed, or none ran yet). */
    public boolean hasPending() {
        return registryDirty || store.hasPending();
    }

    /** The highest seq the files are known to reflect: entries up to it were committed. */
    public long appliedSeq() {
        return appliedSeq;
    }

    /** Adds a committed entry to the file it belongs to, unless that file already has it. */
    public void apply(LogEntry entry) {
        apply(entry, null);
    }

    /**
     * Like {@link #apply(LogEntry)}, with the entry's sealed log line when the caller has it: a
     * post's or message's record is then cut from the line instead of encoded again.
     */
    public void apply(LogEntry entry, byte[] logLine) {
        switch (entry.op()) {
            case PUBLISH -> {
                if (entry.seq() > postsSeq) {
                    store.append(entry.toStored(), record(logLine));
                    postsSeq = entry.seq();
                }
            }
            case MESSAGE -> {
                if (entry.seq() > messagesSeq) {
                    store.append(entry.toStored(), record(logLine));
                    messagesSeq = entry.seq();
                }
            }
            case LOGIN, CHANNEL -> registryDirty |= registry.apply(entry);
            case TERM -> {
                // in no file: it only marks where a coordinator's term began
            }
        }
        appliedSeq = Math.max(appliedSeq, entry.seq());
    }

    private static byte[] record(byte[] logLine) {
        return logLine == null ? null : LogEntryJson.storedRecord(logLine);
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
