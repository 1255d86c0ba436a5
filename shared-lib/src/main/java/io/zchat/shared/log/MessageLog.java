package io.zchat.shared.log;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zchat.shared.wire.Envelope;
import io.zchat.shared.wire.Stamp;
import io.zchat.shared.wire.WireCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One readable line per message sent or received, with its whole content, on logger
 * {@code chat.messages}. Off with {@code chat.log-messages=false}; the appender is asynchronous,
 * so a socket loop never waits for the console.
 */
public final class MessageLog {
    private static final Logger LOG = LoggerFactory.getLogger("chat.messages");
    private static final ObjectMapper JSON = WireCodec.jsonMapper();

    private final boolean enabled;

    public MessageLog(boolean enabled) {
        this.enabled = enabled;
    }

    public boolean enabled() {
        return enabled && LOG.isInfoEnabled();
    }

    /** {@code -> publish {"user":...} (clock 57)}; {@code peer} may be null. */
    public void sent(String peer, String service, Object body, Stamp stamp) {
        if (enabled()) {
            LOG.info("-> {}{} {} (clock {})", prefix(peer), service, render(body), stamp.clock());
        }
    }

    /** {@code <- publish {"user":...} (clock 61)}. */
    public void received(String peer, Envelope envelope) {
        if (enabled()) {
            LOG.info("<- {}{} {} (clock {})", prefix(peer), envelope.service(), render(envelope.data()),
                    envelope.clock());
        }
    }

    /** A frame that could not be decoded. */
    public void receivedInvalid(String peer, int bytes, String problem) {
        if (enabled()) {
            LOG.info("<- {}invalid frame of {} bytes: {}", prefix(peer), bytes, problem);
        }
    }

    private static String prefix(String peer) {
        return peer == null ? "" : peer + " ";
    }

    /** Never throws: a frame that cannot be shown (say, nested deeper than the writer allows) is named, not shown. */
    private static String render(Object body) {
        if (body == null) {
            return "{}";
        }
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException | RuntimeException e) {
            return "<cannot be shown: " + e.getClass().getSimpleName() + ">";
        }
    }
}
