package io.zchat.shared.zmq.curve;

import org.springframework.boot.context.properties.bind.DefaultValue;
import org.zeromq.ZMQ;

import java.util.List;

/**
 * CURVE encryption and authentication of every ZeroMQ link ({@code chat.zmq.curve}).
 * <p>
 * One cluster key pair is held by every node that listens (ref, broker, proxy, servers): its
 * public half is {@code server-key} everywhere, and cluster nodes also connect with it, so the
 * cluster's own links need no list. Users and bots each hold a key pair of their own, whose public
 * half must be on {@code allowed-clients} of the broker and the proxy. Checked at start-up, so a
 * node with CURVE on and a missing or broken key does not start.
 *
 * @param enabled        encrypt and authenticate; off by default and in the {@code local} profile
 * @param secretKey      this node's secret key (Z85): the cluster's on cluster nodes, its own on clients
 * @param publicKey      this node's public key; optional, as it follows from the secret key (if
 *                       given, it must match)
 * @param serverKey      the cluster's public key, which every listening socket proves it holds
 * @param allowedClients public keys of users and bots admitted to the broker's client side and the
 *                       proxy's subscriber side (cluster links admit only the cluster key)
 */
public record CurveSettings(
        @DefaultValue("false") boolean enabled,
        String secretKey,
        String publicKey,
        String serverKey,
        @DefaultValue List<String> allowedClients) {

    private static final String PREFIX = "chat.zmq.curve.";

    public CurveSettings {
        // blank entries are what an empty CHAT_ZMQ_CURVE_ALLOWED_CLIENTS (compose's default) binds to
        allowedClients = allowedClients == null ? List.of()
                : allowedClients.stream().filter(key -> key != null && !key.isBlank()).map(String::trim).toList();
        if (enabled) {
            byte[] secret = CurveKeys.decode(secretKey, PREFIX + "secret-key");
            String derived = CurveKeys.publicKeyOf(secret);
            if (publicKey != null && !publicKey.isBlank() && !publicKey.equals(derived)) {
                throw new IllegalArgumentException(PREFIX + "public-key does not belong to " + PREFIX
                        + "secret-key (leave it out: it follows from the secret key)");
            }
            publicKey = derived;
            CurveKeys.decode(serverKey, PREFIX + "server-key");
            for (int i = 0; i < allowedClients.size(); i++) {
                CurveKeys.decode(allowedClients.get(i), PREFIX + "allowed-clients[" + i + "]");
            }
        }
    }

    public static CurveSettings off() {
        return new CurveSettings(false, null, null, null, List.of());
    }

    /** CURVE on with this node's secret key, the cluster's public key and the admitted client keys. */
    public static CurveSettings on(String secretKey, String serverKey, List<String> allowedClients) {
        return new CurveSettings(true, secretKey, null, serverKey, allowedClients);
    }

    /** This node holds the cluster's key pair, which a listening socket needs. */
    public boolean holdsClusterKey() {
        return enabled && publicKey.equals(serverKey);
    }

    /** Makes a socket a CURVE client of the cluster key (before it connects); nothing when off. */
    public void applyClient(ZMQ.Socket socket) {
        if (!enabled) {
            return;
        }
        socket.setCurvePublicKey(ZMQ.Curve.z85Decode(publicKey));
        socket.setCurveSecretKey(ZMQ.Curve.z85Decode(secretKey));
        socket.setCurveServerKey(ZMQ.Curve.z85Decode(serverKey));
    }

    /**
     * Makes a socket a CURVE server with the cluster key pair (before it binds), its peers checked
     * by the ZAP handler under {@code access}'s domain.
     */
    public void applyServer(ZMQ.Socket socket, Access access) {
        if (!enabled) {
            return;
        }
        if (!holdsClusterKey()) {
            throw new IllegalStateException("this node listens, so " + PREFIX + "secret-key must be the cluster's:"
                    + " its public key " + publicKey + " is not " + PREFIX + "server-key " + serverKey);
        }
        socket.setZapDomain(access.domain());
        socket.setCurveServer(true);
        socket.setCurvePublicKey(ZMQ.Curve.z85Decode(publicKey));
        socket.setCurveSecretKey(ZMQ.Curve.z85Decode(secretKey));
    }

    /** Never prints the secret key. */
    @Override
    public String toString() {
        return "CurveSettings[enabled=" + enabled + ", publicKey=" + publicKey + ", serverKey=" + serverKey
                + ", allowedClients=" + allowedClients.size() + " key(s)]";
    }
}
