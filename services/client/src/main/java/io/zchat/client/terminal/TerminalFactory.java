package io.zchat.client.terminal;

import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The terminal the client talks to: the real one with line editing and colours when there is a
 * console, or plain lines on standard input and output when they are pipes (scripts and tests).
 */
public final class TerminalFactory {
    private TerminalFactory() {
    }

    public static Terminal open() {
        try {
            if (System.console() == null) {
                return TerminalBuilder.builder().name("zchat").streams(System.in, System.out).type(Terminal.TYPE_DUMB)
                        .dumb(true).build();
            }
            return TerminalBuilder.builder().name("zchat").system(true).build();
        } catch (IOException e) {
            throw new UncheckedIOException("no terminal to talk to", e);
        }
    }
}
