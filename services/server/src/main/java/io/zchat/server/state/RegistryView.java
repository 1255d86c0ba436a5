package io.zchat.server.state;

import io.zchat.server.log.LogEntry;
import io.zchat.server.store.RegistrySnapshot;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What registry.json holds, built from committed login and channel entries only. */
public final class RegistryView {
    private static final int LOGINS_KEPT = 20;

    private final Map<String, UserInfo> users = new LinkedHashMap<>();
    private final Set<String> channels = new LinkedHashSet<>();
    private long seq;

    public RegistryView(RegistrySnapshot loaded) {
        if (loaded == null) {
            channels.add(ChatState.DEFAULT_CHANNEL);
            return;
        }
        channels.addAll(loaded.channels());
        for (RegistrySnapshot.User u : loaded.users()) {
            users.put(u.name(), new UserInfo(u.loginCount(), new ArrayDeque<>(u.logins())));
        }
        seq = loaded.seq();
    }

    /** Applies a committed login or channel entry; false when the registry already reflects it. */
    public boolean apply(LogEntry entry) {
        if (entry.seq() <= seq || !entry.op().isRegistry()) {
            return false;
        }
        switch (entry.op()) {
            case LOGIN -> users.computeIfAbsent(entry.user(), u -> new UserInfo(0, new ArrayDeque<>()))
                    .loggedIn(entry.timestamp());
            case CHANNEL -> channels.add(entry.channel());
            default -> throw new IllegalArgumentException(entry.op().toString());
        }
        seq = entry.seq();
        return true;
    }

    public long seq() {
        return seq;
    }

    public RegistrySnapshot snapshot() {
        List<RegistrySnapshot.User> list = new ArrayList<>(users.size());
        users.forEach((name, info) -> list.add(new RegistrySnapshot.User(name, info.count, List.copyOf(info.logins))));
        return new RegistrySnapshot(list, List.copyOf(channels), seq);
    }

    private static final class UserInfo {
        private long count;
        private final Deque<Instant> logins;

        UserInfo(long count, Deque<Instant> logins) {
            this.count = count;
            this.logins = logins;
        }

        void loggedIn(Instant at) {
            count++;
            logins.addLast(at);
            while (logins.size() > LOGINS_KEPT) {
                logins.removeFirst();
            }
        }
    }
}
