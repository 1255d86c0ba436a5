package io.zchat.proxy;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/** The proxy: publishers on XSUB, subscribers on XPUB, subscriptions passed upstream. */
@SpringBootApplication
@EnableConfigurationProperties(SubscriberSettings.class)
public class ProxyApplication {
    public static void main(String[] args) {
        SpringApplication.run(ProxyApplication.class, args);
    }
}
