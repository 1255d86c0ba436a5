package io.zchat.broker;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/** The broker: clients' REQ sockets on one side, servers on the other, requests spread round-robin. */
@SpringBootApplication
@EnableConfigurationProperties(ServerHeartbeat.class)
public class BrokerApplication {
    public static void main(String[] args) {
        SpringApplication.run(BrokerApplication.class, args);
    }
}
