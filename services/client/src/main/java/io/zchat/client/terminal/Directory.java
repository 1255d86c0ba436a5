package io.zchat.client.terminal;

import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;

/** The users and channels this client has heard of, for completion and to tell one from the other. */
public final class Directory {
    private final Set<String> users = new ConcurrentSkipListSet<>();
    private final Set<String> channels = new ConcurrentSkipListSet<>();

    /** Replaces the known users with the server's list. */
    public void users(Collection<String> names) {
        users.retainAll(names);
        users.addAll(names);
    }

    public void channels(Collection<String> names) {
        channels.retainAll(names);
        channels.addAll(names);
    }

    public void addUser(String name) {
        users.add(name);
    }

    public void addChannel(String name) {
        channels.add(name);
    }

    public boolean isUser(String name) {
        return users.contains(name);
    }

    public boolean isChannel(String name) {
        return channels.contains(name);
    }

    public Set<String> users() {
        return new TreeSet<>(users);
    }

    public Set<String> channels() {
        return new TreeSet<>(channels);
    }
}
