package io.zchat.shared.names;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class NameRulesTest {

    @ParameterizedTest
    @ValueSource(strings = {"ana", "bot-4821", "José", "Ærøskøbing", "über-chat", "a", "42", "x_y.z", "日本語"})
    void acceptsOrdinaryNames(String name) {
        assertThat(NameRules.problem("user", name)).isEmpty();
    }

    @Test
    void acceptsExactlyTheMaximumLength() {
        assertThat(NameRules.problem("user", "a".repeat(NameRules.MAX_LENGTH))).isEmpty();
    }

    @Test
    void countsCharactersNotUtf16Units() {
        String emoji = new String(Character.toChars(0x1F600)); // two UTF-16 units, one character
        assertThat(NameRules.problem("user", emoji.repeat(NameRules.MAX_LENGTH))).isEmpty();
    }

    @Test
    void refusesMissingNames() {
        assertThat(NameRules.problem("user", null)).hasValueSatisfying(p -> assertThat(p).contains("user", "missing"));
        assertThat(NameRules.problem("channel", "")).hasValueSatisfying(p -> assertThat(p).contains("channel", "missing"));
    }

    @Test
    void refusesLongNames() {
        assertThat(NameRules.problem("user", "a".repeat(65)))
                .hasValueSatisfying(p -> assertThat(p).contains("longer than 64"));
        assertThat(NameRules.problem("user", "b".repeat(10_000)))
                .hasValueSatisfying(p -> assertThat(p).contains("longer than 64").hasSizeLessThan(200));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ana maria", "ana\tmaria", "ana\nmaria", " ana", "ana ", "a\u0000b", "a\u001bb",
            "a\u200bb", "a\u00a0b", "\u2028", "a\ufeffb", "a\u007fb"})
    void refusesWhitespaceControlAndFormatCharacters(String name) {
        assertThat(NameRules.problem("channel", name))
                .hasValueSatisfying(p -> assertThat(p).contains("channel", "whitespace or control"));
    }

    @Test
    void errorTextShowsInvisibleCharactersEscaped() {
        assertThat(NameRules.problem("user", "a\u001bb")).hasValue(
                "user name 'a\\u001bb' contains whitespace or control characters");
    }

    @ParameterizedTest
    @ValueSource(strings = {"servers", "replica", "SERVERS", "Replica", "rEpLiCa"})
    void refusesReservedTopicNamesInAnyCase(String name) {
        assertThat(NameRules.problem("channel", name))
                .hasValueSatisfying(p -> assertThat(p).contains(name, "reserved"));
    }

    @Test
    void reservedNamesOnlyMatchWholeNames() {
        assertThat(NameRules.problem("user", "servers2")).isEmpty();
        assertThat(NameRules.problem("user", "my-replica")).isEmpty();
    }
}
