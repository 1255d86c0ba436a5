package io.zchat.shared.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** Where the broker and the proxy are: bind addresses on those roles, connect addresses elsewhere. */
public final class Endpoints {
    private Endpoints() {
    }

    @ConfigurationProperties("chat.broker")
    public record Broker(@DefaultValue("tcp://localhost:5555") String frontend,
                         @DefaultValue("tcp://localhost:5556") String backend) {
    }

    @ConfigurationProperties("chat.proxy")
    public record Proxy(@DefaultValue("tcp://localhost:5557") String xsub,
                        @DefaultValue("tcp://localhost:5558") String xpub) {
    }

    /** A bind address for a connect address: the same port on every interface. */
    public static String bindAddress(String endpoint) {
        int colon = endpoint.lastIndexOf(':');
        int scheme = endpoint.indexOf("://");
        if (colon < 0 || scheme < 0 || colon < scheme) {
            return endpoint;
        }
        return endpoint.substring(0, scheme + 3) + "*" + endpoint.substring(colon);
    }
}
