package io.zchat.shared.zmq.curve;

/**
 * Who may connect to a listening socket, carried to the ZAP handler as the socket's ZAP domain.
 * Only cluster members hold the cluster's secret key; users and bots hold keys of their own.
 */
public enum Access {
    /** Ref, server peer endpoints, the broker's server side, the proxy's publisher side: cluster key only. */
    CLUSTER("zchat-cluster"),
    /** The broker's client side and the proxy's subscriber side: the cluster key or an allowed client key. */
    CLIENTS("zchat-clients");

    private final String domain;

    Access(String domain) {
        this.domain = domain;
    }

    public String domain() {
        return domain;
    }

    /** The access a ZAP request's domain names, or null for a domain no socket of ours sets. */
    public static Access ofDomain(String domain) {
        for (Access access : values()) {
            if (access.domain.equals(domain)) {
                return access;
            }
        }
        return null;
    }
}
