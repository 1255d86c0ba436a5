package io.zchat.server.net;

import io.zchat.server.replication.ReplicaMessages;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ForwardAnswersTest {
    private static List<byte[]> route(String identity) {
        return List.of(identity.getBytes(), new byte[0]);
    }

    private record Sent(List<byte[]> route, List<String> fids) {
    }

    private static List<Sent> drain(ForwardAnswers answers) {
        List<Sent> sent = new ArrayList<>();
        answers.drain((route, results) -> sent.add(new Sent(route,
                results.stream().map(ReplicaMessages.Result::fid).toList())));
        return sent;
    }

    @Test
    void answersGoOutAsOneMessagePerFollowerInTheOrderTheyCame() {
        ForwardAnswers answers = new ForwardAnswers();
        answers.add(route("a"), ReplicaMessages.Result.done("a1"));
        answers.add(route("b"), ReplicaMessages.Result.done("b1"));
        answers.add(route("a"), ReplicaMessages.Result.refused("a2", "coordinator changed"));
        List<Sent> sent = drain(answers);
        assertThat(sent).hasSize(2);
        assertThat(new String(sent.get(0).route().get(0))).isEqualTo("a");
        assertThat(sent.get(0).fids()).containsExactly("a1", "a2");
        assertThat(new String(sent.get(1).route().get(0))).isEqualTo("b");
        assertThat(sent.get(1).fids()).containsExactly("b1");
        assertThat(drain(answers)).as("drained").isEmpty();
    }

    @Test
    void routesThatDifferOnlyInHowTheirBytesSplitAreKeptApart() {
        ForwardAnswers answers = new ForwardAnswers();
        answers.add(List.of("ab".getBytes(), "c".getBytes()), ReplicaMessages.Result.done("x"));
        answers.add(List.of("a".getBytes(), "bc".getBytes()), ReplicaMessages.Result.done("y"));
        assertThat(drain(answers)).hasSize(2);
    }

    @Test
    void manyAnswersAreSplitIntoBoundedMessages() {
        ForwardAnswers answers = new ForwardAnswers();
        int count = ForwardAnswers.MAX_PER_MESSAGE * 2 + 3;
        for (int i = 0; i < count; i++) {
            answers.add(route("a"), ReplicaMessages.Result.done("w" + i));
        }
        List<Sent> sent = drain(answers);
        assertThat(sent).extracting(s -> s.fids().size())
                .containsExactly(ForwardAnswers.MAX_PER_MESSAGE, ForwardAnswers.MAX_PER_MESSAGE, 3);
        assertThat(sent.get(2).fids()).containsExactly("w" + (count - 3), "w" + (count - 2), "w" + (count - 1));
    }
}
