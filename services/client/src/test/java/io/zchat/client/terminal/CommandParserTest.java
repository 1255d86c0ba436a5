package io.zchat.client.terminal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CommandParserTest {
    private final CommandParser parser = new CommandParser();

    @Test
    void plainTextIsAPostAndDoubleSlashPostsASlash() {
        assertThat(parser.parse("  hello there ")).isEqualTo(new Command.Post("hello there"));
        assertThat(parser.parse("//shrug")).isEqualTo(new Command.Post("/shrug"));
        assertThat(parser.parse("   ")).isEqualTo(new Command.Nothing());
        assertThat(parser.parse(null)).isEqualTo(new Command.Nothing());
    }

    @Test
    void commandsWithTheirArguments() {
        assertThat(parser.parse("/login ana")).isEqualTo(new Command.Login("ana"));
        assertThat(parser.parse("/LOGIN ana")).isEqualTo(new Command.Login("ana"));
        assertThat(parser.parse("/users")).isEqualTo(new Command.Users());
        assertThat(parser.parse("/channels")).isEqualTo(new Command.Channels());
        assertThat(parser.parse("/create dev")).isEqualTo(new Command.Create("dev"));
        assertThat(parser.parse("/join #dev")).isEqualTo(new Command.Join("dev"));
        assertThat(parser.parse("/leave")).isEqualTo(new Command.Leave(null));
        assertThat(parser.parse("/leave dev")).isEqualTo(new Command.Leave("dev"));
        assertThat(parser.parse("/msg bob  see you   at 5 ")).isEqualTo(new Command.Direct("bob", "see you   at 5"));
        assertThat(parser.parse("/help")).isEqualTo(new Command.Help());
        assertThat(parser.parse("/quit")).isEqualTo(new Command.Quit());
    }

    @Test
    void historyTakesAnOptionalBoundedCount() {
        assertThat(parser.parse("/history general")).isEqualTo(new Command.History("general",
                CommandParser.DEFAULT_HISTORY));
        assertThat(parser.parse("/history bob 5")).isEqualTo(new Command.History("bob", 5));
        assertThat(parser.parse("/history bob 0")).isInstanceOf(Command.Invalid.class);
        assertThat(parser.parse("/history bob 1001")).isInstanceOf(Command.Invalid.class);
        assertThat(((Command.Invalid) parser.parse("/history bob five")).reason()).contains("number");
    }

    @Test
    void missingOrExtraArgumentsSayHowToCallTheCommand() {
        assertThat(parser.parse("/login")).isEqualTo(new Command.Invalid("usage: /login NAME"));
        assertThat(parser.parse("/login two names")).isEqualTo(new Command.Invalid("usage: /login NAME"));
        assertThat(parser.parse("/msg bob")).isEqualTo(new Command.Invalid("usage: /msg USER TEXT"));
        assertThat(parser.parse("/users everyone")).isEqualTo(new Command.Invalid("usage: /users"));
        assertThat(parser.parse("/history")).isEqualTo(new Command.Invalid("usage: /history CHANNEL|USER [N]"));
    }

    @Test
    void anUnknownCommandIsNamed() {
        assertThat(((Command.Invalid) parser.parse("/frobnicate now")).reason())
                .isEqualTo("unknown command /frobnicate; /help lists the commands");
    }
}
