package io.zchat.server.net;

import io.zchat.server.log.LogEntry;
import io.zchat.server.log.Op;
import io.zchat.shared.log.MessageLog;
import io.zchat.shared.wire.Publications;
import io.zchat.shared.wire.Service;
import io.zchat.shared.wire.Stamp;
import io.zchat.shared.wire.WireCodec;
import org.zeromq.ZMQ;

import java.nio.charset.StandardCharsets;

/**
 * Publishes committed posts on topic = channel and direct messages on topic = recipient, with the
 * timestamp and clock the coordinator gave the entry (the same as history shows). Used by the
 * thread that owns the PUB socket.
 */
final class EntryPublisher {
    private final ZMQ.Socket pub;
    private final WireCodec codec;
    private final MessageLog messageLog;

    EntryPublisher(ZMQ.Socket pub, WireCodec codec, MessageLog messageLog) {
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
        pub.send(topic.getBytes(StandardCharsets.UTF_8), ZMQ.SNDMORE);
        pub.send(codec.encode(service, body, stamp), 0);
        messageLog.sent("[" + topic + "]", service.wireName(), body, stamp);
    }
}
