package io.zchat.client.terminal;

import org.jline.utils.AttributedString;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ChatViewTest {
    private static final Instant AT = Instant.parse("2026-11-27T12:01:02.345Z");
    private final ChatView view = new ChatView(ZoneOffset.UTC);

    @Test
    void aPostShowsTimeChannelSenderTextAndClock() {
        AttributedString line = view.message(new ChatMessage(true, "ana", "general", "hello", AT, 42));
        assertThat(line.toString()).isEqualTo("12:01:02 #general ana: hello  (clock 42)");
    }

    @Test
    void aDirectMessageShowsSenderAndRecipient() {
        AttributedString line = view.message(new ChatMessage(false, "ana", "bob", "hi", AT, 7));
        assertThat(line.toString()).isEqualTo("12:01:02 [ana -> bob] hi  (clock 7)");
    }

    @Test
    void ownDirectMessageNotYetStampedSaysSent() {
        assertThat(view.message(ChatMessage.sent("ana", "bob", "hi", AT)).toString())
                .isEqualTo("12:01:02 [ana -> bob] hi  (sent)");
    }

    @Test
    void theTimeIsShownInTheViewersZone() {
        ChatView saoPaulo = new ChatView(ZoneOffset.ofHours(-3));
        assertThat(saoPaulo.message(new ChatMessage(true, "ana", "general", "x", AT, 1)).toString())
                .startsWith("09:01:02 ");
    }

    @Test
    void eachNameKeepsItsColourAndTheSenderIsBold() {
        AttributedString line = view.message(new ChatMessage(true, "ana", "general", "hello", AT, 42));
        int channelAt = line.toString().indexOf("#general");
        int userAt = line.toString().indexOf("ana");
        assertThat(line.styleAt(channelAt)).isEqualTo(ChatView.colour("general"));
        assertThat(line.styleAt(userAt)).isEqualTo(ChatView.colour("ana").bold());
        assertThat(ChatView.colour("ana")).isEqualTo(ChatView.colour("ana"));
    }

    @Test
    void controlCharactersFromOthersCannotDriveTheTerminal() {
        AttributedString line = view.message(new ChatMessage(true, "ana", "general", "\u001b[2Jgone\u0007", AT, 1));
        assertThat(line.toString()).contains("?[2Jgone?").doesNotContain("\u001b").doesNotContain("\u0007");
    }

    @Test
    void noticesErrorsAndListsArePlainWordsWithAMarker() {
        assertThat(view.notice("logged in as ana").toString()).isEqualTo("* logged in as ana");
        assertThat(view.error("login refused").toString()).isEqualTo("! login refused");
        assertThat(view.names("channels", List.of("dev", "general"), "#").toString())
                .isEqualTo("* channels (2): #dev #general");
    }

    @Test
    void thePromptSaysWhoWhereAndWhetherOffline() {
        assertThat(view.prompt(null, null, true).toString()).isEqualTo("(not logged in)> ");
        assertThat(view.prompt("ana", "dev", true).toString()).isEqualTo("ana #dev> ");
        assertThat(view.prompt("ana", null, false).toString()).isEqualTo("[offline] ana> ");
    }

    @Test
    void helpListsEveryCommand() {
        String help = view.help().toString();
        CommandParser.USAGES.forEach(u -> assertThat(help).contains(u.command()).contains(u.meaning()));
    }
}
