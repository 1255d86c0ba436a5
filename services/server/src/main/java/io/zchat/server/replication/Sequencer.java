package io.zchat.server.replication;

import io.zchat.server.handler.WriteErrors;
import io.zchat.server.log.LogEntry;
import io.zchat.server.state.ChatState;
import io.zchat.shared.clock.Clocks;
import io.zchat.shared.wire.Requests;
import io.zchat.shared.wire.Service;
import io.zchat.shared.wire.Stamp;

import java.util.Optional;

/**
 * The coordinator's ordering step: a write that passes the rules becomes the next log entry,
 * stamped with the coordinator's clocks in the current term; a retried id gets the seq it already
 * has. Stateless apart from the state it reads.
 */
public final class Sequencer {
    private Sequencer() {
    }

    /**
     * What ordering decided: a new entry, an earlier seq for a retry, or a refusal: the rule the
     * write broke ({@code problem}).
     */
    public record Decision(LogEntry entry, long existingSeq, Service service, String problem) {
        static Decision entry(LogEntry entry) {
            return new Decision(entry, 0, null, null);
        }

        static Decision retry(long seq) {
            return new Decision(null, seq, null, null);
        }

        static Decision refused(Service service, String problem) {
            return new Decision(null, 0, service, problem);
        }

        /** The client's error reply for a refusal; null otherwise. */
        public Object refusal() {
            return problem == null ? null : WriteErrors.reply(service, problem);
        }
    }

    public static Decision order(ChatState state, Clocks clocks, long term, Service service, Object request,
                                 String id) {
        Optional<Long> earlier = state.seqOf(id);
        if (earlier.isPresent()) {
            return Decision.retry(earlier.get());
        }
        long seq = state.lastSeq() + 1;
        switch (service) {
            case LOGIN -> {
                Requests.Login r = (Requests.Login) request;
                Optional<String> problem = state.loginProblem(r.user());
                if (problem.isPresent()) {
                    return Decision.refused(service, problem.get());
                }
                Stamp s = clocks.stamp();
                return Decision.entry(LogEntry.login(seq, term, id, r.user(), s.timestamp(), s.clock()));
            }
            case CHANNEL -> {
                Requests.Channel r = (Requests.Channel) request;
                Optional<String> problem = state.channelProblem(r.channel());
                if (problem.isPresent()) {
                    return Decision.refused(service, problem.get());
                }
                Stamp s = clocks.stamp();
                return Decision.entry(LogEntry.channel(seq, term, id, r.channel(), s.timestamp(), s.clock()));
            }
            case PUBLISH -> {
                Requests.Publish r = (Requests.Publish) request;
                Optional<String> problem = state.postProblem(r);
                if (problem.isPresent()) {
                    return Decision.refused(service, problem.get());
                }
                Stamp s = clocks.stamp();
                return Decision.entry(LogEntry.post(seq, term, id, r.user(), r.channel(), r.message(),
                        s.timestamp(), s.clock()));
            }
            case MESSAGE -> {
                Requests.Message r = (Requests.Message) request;
                Optional<String> problem = state.directProblem(r);
                if (problem.isPresent()) {
                    return Decision.refused(service, problem.get());
                }
                Stamp s = clocks.stamp();
                return Decision.entry(LogEntry.direct(seq, term, id, r.src(), r.dst(), r.message(),
                        s.timestamp(), s.clock()));
            }
            default -> throw new IllegalArgumentException("not a write: " + service);
        }
    }

    /** The entry a coordinator orders first in {@code term} (see {@link io.zchat.server.log.Op#TERM}). */
    public static LogEntry termStart(ChatState state, Clocks clocks, long term) {
        Stamp s = clocks.stamp();
        return LogEntry.termStart(state.lastSeq() + 1, term, s.timestamp(), s.clock());
    }

    /** The record class of a write's request data. */
    public static Class<?> requestType(Service service) {
        return switch (service) {
            case LOGIN -> Requests.Login.class;
            case CHANNEL -> Requests.Channel.class;
            case PUBLISH -> Requests.Publish.class;
            case MESSAGE -> Requests.Message.class;
            default -> throw new IllegalArgumentException("not a write: " + service);
        };
    }
}
