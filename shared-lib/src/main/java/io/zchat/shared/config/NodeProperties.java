package io.zchat.shared.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings every process has.
 *
 * @param nodeName    this process's name in logs, metrics and (for servers) the ranking
 * @param logMessages one log line per message sent or received
 */
@ConfigurationProperties("chat")
public record NodeProperties(String nodeName, @DefaultValue("true") boolean logMessages) {
}
