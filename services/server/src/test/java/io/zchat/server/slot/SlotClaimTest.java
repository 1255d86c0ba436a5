package io.zchat.server.slot;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SlotClaimTest {
    @TempDir
    Path slots;

    @Test
    void eachClaimTakesTheFirstFreeSlot() throws IOException {
        SlotClaim first = SlotClaim.claim(slots, "server-", 3);
        SlotClaim second = SlotClaim.claim(slots, "server-", 3);
        SlotClaim third = SlotClaim.claim(slots, "server-", 3);
        assertThat(first.name()).isEqualTo("server-1");
        assertThat(second.name()).isEqualTo("server-2");
        assertThat(third.name()).isEqualTo("server-3");
        assertThat(first.isValid()).isTrue();
        assertThatThrownBy(() -> SlotClaim.claim(slots, "server-", 3)).hasMessageContaining("taken");
    }
}
