package io.zchat.server.net;

import io.zchat.server.replication.ReplicaMessages;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Results for forwarded writes (answers to the {@code forward} messages), gathered per follower
 * connection (its routing envelope) during a group, then sent as one message per follower instead
 * of one per write. Single-threaded.
 */
final class ForwardAnswers {
    /** Most answers in one message (each is a few dozen bytes). */
    static final int MAX_PER_MESSAGE = 1024;

    private record Pending(List<byte[]> route, List<ReplicaMessages.Result> results) {
    }

    private final Map<String, Pending> byRoute = new LinkedHashMap<>();

    void add(List<byte[]> route, ReplicaMessages.Result result) {
        byRoute.computeIfAbsent(key(route), k -> new Pending(route, new ArrayList<>())).results().add(result);
    }

    /** Hands over everything gathered, per follower, at most {@link #MAX_PER_MESSAGE} answers at a time. */
    void drain(BiConsumer<List<byte[]>, List<ReplicaMessages.Result>> send) {
        for (Pending pending : byRoute.values()) {
            List<ReplicaMessages.Result> results = pending.results();
            for (int from = 0; from < results.size(); from += MAX_PER_MESSAGE) {
                send.accept(pending.route(), results.subList(from, Math.min(results.size(), from + MAX_PER_MESSAGE)));
            }
        }
        byRoute.clear();
    }

    /** The envelope's frames as one text key: each frame's length, then its bytes one char each. */
    private static String key(List<byte[]> route) {
        StringBuilder key = new StringBuilder();
        for (byte[] frame : route) {
            key.append(frame.length).append(':').append(new String(frame, StandardCharsets.ISO_8859_1));
        }
        return key.toString();
    }
}
