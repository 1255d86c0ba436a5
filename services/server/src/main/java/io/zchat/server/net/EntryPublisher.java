package io.zchat.server.net;

import io.zchat.server.log.LogEntry;
import io.zchat.server.log.Op;
import io.zchat.shared.log.MessageLog;
import io.zchat.shared.wire.Publications;
import io.zchat.shared.wire.Service;
import io.zchat.shared.wire.Stamp;
import io.zchat.shared.wire.WireCodec;
import io.zchat.shared.zmq.OverflowCountingPublisher;

import java.nio.charset.StandardCharsets;

/**
 * Publishes committed posts on topic = channel and direct messages on topic = recipient, with the
 * timestamp and clock the coordinator gave the entry (the same as history shows). Used by the
 * thread that owns the PUB socket; the proxy is its one subscriber, and if the proxy falls a
 * high-water mark behind, publications are lost (and counted) rather than holding up the server.
 */
final class EntryPublisher {
    private final OverflowCountingPublisher pub;
    private final WireCodec codec;
    private final MessageLog messageLog;

    EntryPublisher(OverflowCountingPublisher pub, WireCodec codec, MessageLog messageLog) {
        this.pub = pub;
        this.codec = codec;
        this.messageLog = messageLog;
    }

    void publish(LogEntry entry) {
        String topic;
        Object body;
        if (entry.op() == Op.PUBLISH) {
            topic = entry.channel();
            body = new Publications.Post(entry.user(), entry.channel(), entry.message());
        } else if (entry.op() == Op.MESSAGE) {
            topic = entry.dst();
            body = new Publications.Direct(entry.src(), entry.dst(), entry.message());
        } else {
            return;
        }
        Service service = entry.op().service();
        Stamp stamp = new Stamp(entry.timestamp(), entry.clock());
        pub.send(topic.getBytes(StandardCharsets.UTF_8), codec.encode(service, body, stamp));
        messageLog.sent("[" + topic + "]", service.wireName(), body, stamp);
    }
}
