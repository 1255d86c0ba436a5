package io.zchat.ref;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The reference service: hands out server ranks, keeps the list of alive servers, takes heartbeats. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class RefApplication {
    public static void main(String[] args) {
        SpringApplication.run(RefApplication.class, args);
    }
}
