package io.zchat.server.state;

import io.zchat.server.log.LogEntry;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongFunction;

/** The ids of the entries a test applied, by seq: what the log would answer a {@link ChatState}. */
public final class AppliedIds implements LongFunction<String> {
    private final Map<Long, String> ids = new HashMap<>();

    public LogEntry record(LogEntry entry) {
        ids.put(entry.seq(), entry.id());
        return entry;
    }

    @Override
    public String apply(long seq) {
        return ids.get(seq);
    }
}
