package io.zchat.client;

import io.zchat.shared.client.ClientSettings;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * A client's settings.
 *
 * @param user    the user name (a bot picks {@code bot-NNNN} when unset)
 * @param request patience per request (Lazy Pirate)
 * @param bot     the bot's pace and habits
 */
@ConfigurationProperties("chat")
public record ClientProperties(String user, @DefaultValue Request request, @DefaultValue Bot bot) {

    public record Request(@DefaultValue("2s") Duration timeout, @DefaultValue("3") int retries) {
        public ClientSettings settings() {
            return new ClientSettings(timeout, retries);
        }
    }

    /**
     * @param pause           between two messages
     * @param messagesPerRound messages sent to one channel before picking another
     * @param directChance    chance per round of also sending a direct message
     * @param newChannelChance chance per round of creating a channel
     */
    public record Bot(@DefaultValue("500ms") Duration pause, @DefaultValue("10") int messagesPerRound,
                      @DefaultValue("0.3") double directChance, @DefaultValue("0.1") double newChannelChance) {
    }
}
