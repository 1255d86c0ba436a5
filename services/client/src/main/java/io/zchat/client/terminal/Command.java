package io.zchat.client.terminal;

/** What one line typed at the prompt asks for. */
public sealed interface Command {

    record Login(String user) implements Command {
    }

    record Users() implements Command {
    }

    record Channels() implements Command {
    }

    record Create(String channel) implements Command {
    }

    record Join(String channel) implements Command {
    }

    /** {@code channel} null: the current channel. */
    record Leave(String channel) implements Command {
    }

    record Direct(String user, String text) implements Command {
    }

    /** A channel's posts or the direct messages exchanged with a user, the last {@code count}. */
    record History(String target, int count) implements Command {
    }

    record Help() implements Command {
    }

    record Quit() implements Command {
    }

    /** Plain text: a post to the current channel. */
    record Post(String text) implements Command {
    }

    /** A blank line. */
    record Nothing() implements Command {
    }

    /** A line that asks for nothing valid; {@code reason} says why in plain words. */
    record Invalid(String reason) implements Command {
    }
}
