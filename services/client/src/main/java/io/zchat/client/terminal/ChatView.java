package io.zchat.client.terminal;

import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * How each kind of line looks: messages with their time, place, sender and Lamport clock, each
 * channel and user in a colour of its own (a terminal without colours shows the same text plain).
 */
public final class ChatView {
    private static final int[] PALETTE = {
            AttributedStyle.GREEN, AttributedStyle.YELLOW, AttributedStyle.BLUE, AttributedStyle.MAGENTA,
            AttributedStyle.CYAN, AttributedStyle.BRIGHT + AttributedStyle.GREEN,
            AttributedStyle.BRIGHT + AttributedStyle.YELLOW, AttributedStyle.BRIGHT + AttributedStyle.BLUE,
            AttributedStyle.BRIGHT + AttributedStyle.MAGENTA, AttributedStyle.BRIGHT + AttributedStyle.CYAN};
    private static final AttributedStyle FAINT = AttributedStyle.DEFAULT.foreground(AttributedStyle.BRIGHT
            + AttributedStyle.BLACK);
    private static final AttributedStyle ERROR = AttributedStyle.BOLD.foreground(AttributedStyle.RED);
    private static final AttributedStyle NOTICE = AttributedStyle.DEFAULT.foreground(AttributedStyle.CYAN);

    private final DateTimeFormatter time;

    public ChatView(ZoneId zone) {
        this.time = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(zone);
    }

    /**
     * {@code 12:01:02 #general ana: hello  (clock 42)} or {@code 12:01:02 [ana -> bob] hi  (clock 43)};
     * a message of one's own that no server has stamped yet says {@code (sent)} instead of a clock.
     */
    public AttributedString message(ChatMessage message) {
        AttributedStringBuilder line = new AttributedStringBuilder();
        line.styled(FAINT, stamp(message.timestamp())).append(' ');
        if (message.post()) {
            line.styled(colour(message.to()), "#" + message.to()).append(' ');
            line.styled(colour(message.from()).bold(), message.from()).append(": ");
        } else {
            line.append('[').styled(colour(message.from()).bold(), message.from()).append(" -> ")
                    .styled(colour(message.to()), message.to()).append("] ");
        }
        line.append(printable(message.text()));
        line.styled(FAINT, message.clock() < 0 ? "  (sent)" : "  (clock " + message.clock() + ")");
        return line.toAttributedString();
    }

    public AttributedString notice(String text) {
        return new AttributedString("* " + printable(text), NOTICE);
    }

    public AttributedString error(String text) {
        return new AttributedString("! " + printable(text), ERROR);
    }

    /** A titled list of names, each in its colour: {@code * channels (3): #dev #general #ops}. */
    public AttributedString names(String title, List<String> names, String prefix) {
        AttributedStringBuilder line = new AttributedStringBuilder();
        line.styled(NOTICE, "* " + title + " (" + names.size() + "):");
        for (String name : names) {
            line.append(' ').styled(colour(name), prefix + printable(name));
        }
        return line.toAttributedString();
    }

    public AttributedString help() {
        AttributedStringBuilder text = new AttributedStringBuilder();
        text.styled(NOTICE, "* commands (plain text posts to the current channel; // posts a line starting with /):");
        for (CommandParser.Usage usage : CommandParser.USAGES) {
            text.append("\n    ").styled(AttributedStyle.BOLD, String.format("%-28s", usage.call()))
                    .append(usage.meaning());
        }
        return text.toAttributedString();
    }

    /** The prompt: who, where, and whether the servers answer. */
    public AttributedString prompt(String user, String channel, boolean online) {
        AttributedStringBuilder prompt = new AttributedStringBuilder();
        if (!online) {
            prompt.styled(ERROR, "[offline] ");
        }
        prompt.styled(user == null ? FAINT : colour(user).bold(), user == null ? "(not logged in)" : user);
        if (channel != null) {
            prompt.append(' ').styled(colour(channel), "#" + channel);
        }
        return prompt.append("> ").toAttributedString();
    }

    /** The same colour for the same name, in every client. */
    static AttributedStyle colour(String name) {
        return AttributedStyle.DEFAULT.foreground(PALETTE[Math.floorMod(name.hashCode(), PALETTE.length)]);
    }

    private String stamp(Instant at) {
        return at == null ? "--:--:--" : time.format(at);
    }

    /** Control characters from another user must not drive this terminal. */
    private static String printable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> {
            if (Character.isISOControl(cp)) {
                out.append('?');
            } else {
                out.appendCodePoint(cp);
            }
        });
        return out.toString();
    }
}
