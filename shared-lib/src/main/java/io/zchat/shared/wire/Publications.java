package io.zchat.shared.wire;

/** Bodies published on the proxy as {@code [topic][body]}. */
public final class Publications {
    /** Topic on which the winner of an election announces itself. */
    public static final String SERVERS_TOPIC = "servers";

    private Publications() {
    }

    /** Topic = channel; service "publish". */
    public record Post(String user, String channel, String message) {
    }

    /** Topic = dst; service "message". */
    public record Direct(String src, String dst, String message) {
    }

    /** Topic = "servers"; service "election". */
    public record Coordinator(String coordinator) {
    }
}
