package io.zchat.shared.zmq.curve;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CurveEnvFileTest {

    @Test
    void theFileHoldsMatchingPairsAndAdmitsItsClientKey() {
        Map<String, String> env = parse(CurveEnvFile.generate());

        assertThat(env).containsEntry("ZCHAT_CURVE_ENABLED", "true");
        assertThat(CurveEnvFile.generate()).containsPattern("(?m)^ZCHAT_CLUSTER_SECRET_KEY='[^'$]{40}'$");
        assertThat(publicOf(env.get("ZCHAT_CLUSTER_SECRET_KEY"))).isEqualTo(env.get("ZCHAT_CLUSTER_PUBLIC_KEY"));
        assertThat(publicOf(env.get("ZCHAT_CLIENT_SECRET_KEY"))).isEqualTo(env.get("ZCHAT_CLIENT_PUBLIC_KEY"));
        assertThat(env.get("ZCHAT_ALLOWED_CLIENTS")).isEqualTo(env.get("ZCHAT_CLIENT_PUBLIC_KEY"));
        assertThat(env.get("ZCHAT_CLUSTER_PUBLIC_KEY")).isNotEqualTo(env.get("ZCHAT_CLIENT_PUBLIC_KEY"));
        // what a cluster node and a client would be configured with is valid
        CurveSettings node = CurveSettings.on(env.get("ZCHAT_CLUSTER_SECRET_KEY"), env.get("ZCHAT_CLUSTER_PUBLIC_KEY"),
                List.of(env.get("ZCHAT_ALLOWED_CLIENTS").split(",")));
        assertThat(node.holdsClusterKey()).isTrue();
        assertThat(CurveSettings.on(env.get("ZCHAT_CLIENT_SECRET_KEY"), env.get("ZCHAT_CLUSTER_PUBLIC_KEY"), List.of())
                .holdsClusterKey()).isFalse();
    }

    private static String publicOf(String secret) {
        return CurveKeys.publicKeyOf(CurveKeys.decode(secret, "secret"));
    }

    private static Map<String, String> parse(String file) {
        Map<String, String> env = new HashMap<>();
        for (String line : file.split("\n")) {
            if (!line.startsWith("#") && line.contains("=")) {
                String value = line.substring(line.indexOf('=') + 1);
                env.put(line.substring(0, line.indexOf('=')), value.replaceAll("^'(.*)'$", "$1"));
            }
        }
        return env;
    }
}
