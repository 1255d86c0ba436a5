package io.zchat.server.net;

import io.zchat.shared.clock.Clocks;
import io.zchat.shared.log.MessageLog;
import io.zchat.shared.wire.Envelope;
import io.zchat.shared.wire.Replies;
import io.zchat.shared.wire.Requests;
import io.zchat.shared.wire.Service;
import io.zchat.shared.wire.WireCodec;
import io.zchat.shared.wire.WireFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** The contract's server-to-server services: {@code clock}, {@code election} and the Berkeley {@code sync}. */
@Component
public class PeerServices {
    private static final Logger LOG = LoggerFactory.getLogger(PeerServices.class);

    private final Clocks clocks;
    private final WireCodec codec;
    private final MessageLog messageLog;
    private volatile Runnable electionListener = () -> { };

    public PeerServices(Clocks clocks, WireCodec codec, MessageLog messageLog) {
        this.clocks = clocks;
        this.codec = codec;
        this.messageLog = messageLog;
    }

    /** Called when a worse-ranked server asks for an election (the bully then runs its own). */
    public void onElectionRequest(Runnable listener) {
        this.electionListener = listener;
    }

    /**
     * How this server answers an {@code election} request. Only {@code OK} stops the asker's
     * election; the others let it go on and win.
     */
    public enum Standing {
        /** It holds the latest state and runs its own election (the bully). */
        OK("OK"),
        /** It is behind (or cannot write its log), so it must not lead. */
        CATCHING_UP("CATCHING-UP"),
        /** It is stopping. */
        STOPPING("STOPPING");

        private final String word;

        Standing(String word) {
            this.word = word;
        }
    }

    public Object answer(Envelope request, Standing standing) throws WireFormatException {
        Service service = request.knownService().orElse(null);
        if (service == Service.CLOCK) {
            return new Replies.Clock(clocks.physical().millis());
        }
        if (service == Service.ELECTION) {
            if (standing != Standing.STOPPING) {
                electionListener.run();
            }
            return new Replies.Election(standing.word);
        }
        if (service == Service.SYNC) {
            Requests.Sync sync = codec.body(request, Requests.Sync.class);
            if (sync.adjust() == null) {
                return Replies.Status.error("field 'adjust' (milliseconds) is missing");
            }
            clocks.physical().adjust(sync.adjust());
            if (messageLog.enabled() || Math.abs(sync.adjust()) >= 5) {
                LOG.info("clock synced with coordinator {}: offset {} ms, lamport {}", sync.coordinator(),
                        sync.adjust(), clocks.lamport().current());
            }
            return Replies.Status.success();
        }
        return Replies.Status.error("unknown service '" + request.service() + "'");
    }
}
