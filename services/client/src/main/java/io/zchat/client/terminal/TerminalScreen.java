package io.zchat.client.terminal;

import org.jline.reader.LineReader;
import org.jline.reader.impl.LineReaderImpl;
import org.jline.utils.AttributedString;

/**
 * A {@link Screen} on a JLine reader: lines go above the prompt without disturbing what is being
 * typed, and a new prompt is redrawn in place.
 */
public final class TerminalScreen implements Screen {
    private final LineReader reader;
    private volatile String prompt = "> ";

    public TerminalScreen(LineReader reader) {
        this.reader = reader;
    }

    @Override
    public void show(AttributedString line) {
        reader.printAbove(line);
    }

    @Override
    public void prompt(AttributedString prompt) {
        this.prompt = prompt.toAnsi(reader.getTerminal());
        if (reader instanceof LineReaderImpl impl && reader.isReading()) {
            impl.setPrompt(this.prompt);
            try {
                reader.callWidget(LineReader.REDRAW_LINE);
                reader.callWidget(LineReader.REDISPLAY);
            } catch (IllegalStateException e) {
                // the line was accepted meanwhile: the next readLine shows the new prompt
            }
        }
    }

    /** The prompt for the next line read. */
    public String prompt() {
        return prompt;
    }
}
