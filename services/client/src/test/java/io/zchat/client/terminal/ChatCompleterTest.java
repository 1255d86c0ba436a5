package io.zchat.client.terminal;

import org.jline.reader.Candidate;
import org.jline.reader.Parser;
import org.jline.reader.impl.DefaultParser;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ChatCompleterTest {
    private final Directory directory = new Directory();
    private final ChatCompleter completer = new ChatCompleter(directory);

    @Test
    void theFirstWordCompletesToACommand() {
        assertThat(complete("/j")).contains("/join", "/login", "/quit");
    }

    @Test
    void joinOffersChannelsMsgOffersUsersHistoryBoth() {
        directory.channels(Set.of("general", "dev"));
        directory.users(Set.of("ana", "bob"));
        assertThat(complete("/join ")).containsExactly("dev", "general");
        assertThat(complete("/msg ")).containsExactly("ana", "bob");
        assertThat(complete("/history ")).containsExactly("dev", "general", "ana", "bob");
        assertThat(complete("/msg ana ")).isEmpty();
        assertThat(complete("hello ")).isEmpty();
    }

    @Test
    void theDirectoryFollowsTheServersLists() {
        directory.users(Set.of("ana", "bob"));
        directory.users(Set.of("bob", "cid"));
        directory.addUser("dee");
        assertThat(directory.users()).containsExactly("bob", "cid", "dee");
        assertThat(directory.isUser("ana")).isFalse();
    }

    private List<String> complete(String line) {
        List<Candidate> candidates = new ArrayList<>();
        completer.complete(null, new DefaultParser().parse(line, line.length(), Parser.ParseContext.COMPLETE), candidates);
        return candidates.stream().map(Candidate::value).toList();
    }
}
