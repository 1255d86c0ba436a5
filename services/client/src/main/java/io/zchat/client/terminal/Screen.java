package io.zchat.client.terminal;

import org.jline.utils.AttributedString;

/** Where the session writes: lines above the prompt, and the prompt itself. Safe from any thread. */
public interface Screen {
    void show(AttributedString line);

    void prompt(AttributedString prompt);
}
