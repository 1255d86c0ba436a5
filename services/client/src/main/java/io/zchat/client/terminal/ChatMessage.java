package io.zchat.client.terminal;

import com.fasterxml.jackson.databind.JsonNode;
import io.zchat.shared.client.Publication;
import io.zchat.shared.wire.HistoryEntry;

import java.time.Instant;

/**
 * A channel post or a direct message as the terminal shows it, whether it arrived live or came
 * from history.
 *
 * @param from  the author (post) or sender (direct)
 * @param to    the channel (post) or recipient (direct)
 * @param clock the Lamport clock it was published with, or -1 for one's own direct message, whose
 *              published copy goes to the recipient only
 */
public record ChatMessage(boolean post, String from, String to, String text, Instant timestamp, long clock) {

    /** A live publication, or null when it is neither a post nor a direct message. */
    public static ChatMessage of(Publication publication) {
        JsonNode data = publication.envelope().data();
        String service = publication.envelope().service();
        Instant at = publication.envelope().stamp().timestamp();
        long clock = publication.envelope().clock();
        return switch (service) {
            case "publish" -> new ChatMessage(true, text(data, "user"), text(data, "channel"), text(data, "message"),
                    at, clock);
            case "message" -> new ChatMessage(false, text(data, "src"), text(data, "dst"), text(data, "message"),
                    at, clock);
            default -> null;
        };
    }

    /** A direct message this client sent, shown at once since its published copy goes to the recipient only. */
    public static ChatMessage sent(String from, String to, String text, Instant at) {
        return new ChatMessage(false, from, to, text, at, -1);
    }

    public static ChatMessage of(HistoryEntry entry) {
        return entry.isPost()
                ? new ChatMessage(true, entry.user(), entry.channel(), entry.message(), entry.timestamp(), entry.clock())
                : new ChatMessage(false, entry.src(), entry.dst(), entry.message(), entry.timestamp(), entry.clock());
    }

    private static String text(JsonNode data, String field) {
        return data.path(field).asText("");
    }
}
