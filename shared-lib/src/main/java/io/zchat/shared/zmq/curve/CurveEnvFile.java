package io.zchat.shared.zmq.curve;

import org.zeromq.ZMQ;

/**
 * A fresh set of keys as a compose environment file ({@code docker compose --env-file}): the
 * cluster's key pair, one key pair for the bots and the interactive client, and that client key
 * on the allow-list. deploy/compose.yml maps these variables onto {@code chat.zmq.curve.*}.
 */
public final class CurveEnvFile {
    private CurveEnvFile() {
    }

    public static String generate() {
        ZMQ.Curve.KeyPair cluster = CurveKeys.generate();
        ZMQ.Curve.KeyPair client = CurveKeys.generate();
        return "# zchat CURVE keys. Secret: keep this file out of version control and share it only with\n"
                + "# the nodes that need it. Use: docker compose --env-file THIS_FILE -f deploy/compose.yml up\n"
                + "ZCHAT_CURVE_ENABLED=true\n"
                + "# every listening role (ref, broker, proxy, servers) holds the cluster pair\n"
                + "ZCHAT_CLUSTER_PUBLIC_KEY=" + quoted(cluster.publicKey) + "\n"
                + "ZCHAT_CLUSTER_SECRET_KEY=" + quoted(cluster.secretKey) + "\n"
                + "# bots and the interactive client; more client keys: comma-separated in ZCHAT_ALLOWED_CLIENTS\n"
                + "ZCHAT_CLIENT_PUBLIC_KEY=" + quoted(client.publicKey) + "\n"
                + "ZCHAT_CLIENT_SECRET_KEY=" + quoted(client.secretKey) + "\n"
                + "ZCHAT_ALLOWED_CLIENTS=" + quoted(client.publicKey) + "\n";
    }

    /** Z85 has '#' (a comment to some env-file readers) but no quote: single quotes keep a key literal. */
    private static String quoted(String key) {
        return "'" + key + "'";
    }
}
