package io.zchat.shared.zmq.curve;

import org.junit.jupiter.api.Test;
import org.zeromq.ZMQ;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CurveKeysTest {
    /** The test vector of ZeroMQ RFC 32 (Z85): 8 bytes, extended to a 32-byte key by repetition. */
    private static final String KEY = "HelloWorldHelloWorldHelloWorldHelloWorld";

    @Test
    void aKeyDecodesToThirtyTwoBytesAndBack() {
        byte[] bytes = CurveKeys.decode(KEY, "k");
        assertThat(bytes).hasSize(32).startsWith(0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B);
        assertThat(CurveKeys.encode(bytes)).isEqualTo(KEY);
    }

    @Test
    void aBadKeyIsRefusedNamingTheSetting() {
        assertThatThrownBy(() -> CurveKeys.decode(null, "chat.x")).hasMessage("chat.x is not set");
        assertThatThrownBy(() -> CurveKeys.decode("  ", "chat.x")).hasMessage("chat.x is not set");
        assertThatThrownBy(() -> CurveKeys.decode("HelloWorld", "chat.x"))
                .hasMessageContaining("chat.x is not a CURVE key").hasMessageContaining("40 characters, this one 10");
        assertThatThrownBy(() -> CurveKeys.decode(KEY.substring(1) + "~", "chat.x"))
                .hasMessageContaining("character 40 is outside the Z85 alphabet");
        // "#####" is 85^5 - 1, more than 32 bits hold
        assertThatThrownBy(() -> CurveKeys.decode("#####" + KEY.substring(5), "chat.x"))
                .hasMessageContaining("not a canonical Z85 encoding");
    }

    @Test
    void thePublicKeyFollowsFromTheSecretKey() {
        ZMQ.Curve.KeyPair pair = ZMQ.Curve.generateKeyPair();
        assertThat(CurveKeys.publicKeyOf(CurveKeys.decode(pair.secretKey, "k"))).isEqualTo(pair.publicKey);
    }

    @Test
    void generatedKeysHoldNoDollarSignAndBelongTogether() {
        for (int i = 0; i < 20; i++) {
            ZMQ.Curve.KeyPair pair = CurveKeys.generate();
            assertThat(pair.publicKey + pair.secretKey).doesNotContain("$");
            assertThat(CurveKeys.publicKeyOf(CurveKeys.decode(pair.secretKey, "k"))).isEqualTo(pair.publicKey);
        }
    }
}
