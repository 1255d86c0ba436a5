package io.zchat.client.terminal;

import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;

import java.util.List;

/** Tab completion: the command in the first word, then channels and users where a command takes them. */
public final class ChatCompleter implements Completer {
    private final Directory directory;

    public ChatCompleter(Directory directory) {
        this.directory = directory;
    }

    @Override
    public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
        if (line.wordIndex() == 0) {
            if (line.word().startsWith("/") || line.word().isEmpty()) {
                CommandParser.USAGES.forEach(u -> candidates.add(
                        new Candidate(u.command(), u.command(), null, u.meaning(), null, null, true)));
            }
            return;
        }
        if (line.wordIndex() != 1) {
            return;
        }
        String command = line.words().get(0);
        switch (command) {
            case "/join", "/leave" -> channels(candidates);
            case "/msg" -> users(candidates);
            case "/history" -> {
                channels(candidates);
                users(candidates);
            }
            default -> {
            }
        }
    }

    private void channels(List<Candidate> candidates) {
        directory.channels().forEach(c -> candidates.add(new Candidate(c, c, "channels", null, null, null, true)));
    }

    private void users(List<Candidate> candidates) {
        directory.users().forEach(u -> candidates.add(new Candidate(u, u, "users", null, null, null, true)));
    }
}
