package io.zchat.shared.config;

import org.junit.jupiter.api.Test;
import org.springframework.boot.env.PropertiesPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;

import java.io.IOException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared defaults file is split into profile documents by {@code #---} lines, which Boot
 * recognises only with no comment right before or after them: a comment there silently makes the
 * file one document, active only in the last document's profile.
 */
class ChatDefaultsTest {

    @Test
    void theDefaultsFileHoldsTheCommonDocumentAndOneDocumentPerProfile() throws IOException {
        List<PropertySource<?>> documents = new PropertiesPropertySourceLoader()
                .load("chat-defaults", new ClassPathResource("chat-defaults.properties"));

        assertThat(documents).hasSize(4);
        PropertySource<?> common = documents.get(0);
        assertThat(common.getProperty("spring.config.activate.on-profile")).isNull();
        assertThat(common.getProperty("spring.main.banner-mode")).hasToString("off");
        assertThat(common.getProperty("logging.pattern.console")).asString().contains("[${chat.node-name}]");
        assertThat(documents.subList(1, 4)).extracting(d -> String.valueOf(d.getProperty("spring.config.activate.on-profile")))
                .containsExactly("ops", "local", "docker");
        assertThat(documents.get(3).getProperty("chat.ref.endpoint")).hasToString("tcp://ref:6000");
    }
}
