package io.zchat.shared.zmq.curve;

import org.zeromq.ZMQ;

import java.util.List;
import java.util.Set;

/**
 * Whom a listening socket admits: on cluster links only the cluster key, on client links the
 * cluster key or a key of {@code chat.zmq.curve.allowed-clients}. Anything else (another
 * mechanism, a domain none of our sockets sets, a key of the wrong size) is refused.
 */
public final class AllowList {
    private final String clusterKey;
    private final Set<String> clientKeys;

    public AllowList(String clusterKey, List<String> clientKeys) {
        this.clusterKey = clusterKey;
        this.clientKeys = Set.copyOf(clientKeys);
    }

    public static AllowList of(CurveSettings curve) {
        return new AllowList(curve.serverKey(), curve.allowedClients());
    }

    /** The answer to one ZAP request: admitted or not, and why not. */
    public record Verdict(boolean admitted, String reason) {
        static final Verdict ADMITTED = new Verdict(true, "");

        static Verdict refused(String reason) {
            return new Verdict(false, reason);
        }
    }

    public Verdict check(String domain, String mechanism, byte[] clientKey) {
        if (!"CURVE".equals(mechanism)) {
            return Verdict.refused("mechanism " + mechanism + " (only CURVE is admitted)");
        }
        Access access = Access.ofDomain(domain);
        if (access == null) {
            return Verdict.refused("unknown ZAP domain '" + domain + "'");
        }
        if (clientKey == null || clientKey.length != ZMQ.Curve.KEY_SIZE) {
            return Verdict.refused("no 32-byte client key");
        }
        String key = CurveKeys.encode(clientKey);
        if (key.equals(clusterKey)) {
            return Verdict.ADMITTED;
        }
        if (access == Access.CLIENTS && clientKeys.contains(key)) {
            return Verdict.ADMITTED;
        }
        return Verdict.refused(access == Access.CLUSTER ? "not the cluster key (a cluster link)"
                : "not on chat.zmq.curve.allowed-clients");
    }
}
