package io.zchat.shared.log;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zchat.shared.wire.Envelope;
import io.zchat.shared.wire.Stamp;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatCode;

class MessageLogTest {

    /** A loop logs what it received before it answers: the log line must never be what stops the answer. */
    @Test
    void aFrameTooDeepToShowIsLoggedWithoutThrowing() {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        ObjectNode inner = data;
        for (int i = 0; i < 5_000; i++) {
            inner = inner.putObject("user");
        }
        Envelope deep = new Envelope("login", data, new Stamp(null, 0));
        MessageLog log = new MessageLog(true);
        assertThatCode(() -> log.received("server", deep)).doesNotThrowAnyException();
        assertThatCode(() -> log.sent("server", "login", data, new Stamp(null, 0))).doesNotThrowAnyException();
    }
}
