package io.zchat.loadgen;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * Drives a chat system through its wire contract only (broker and proxy addresses in) and reports
 * what it measured. The shared auto-configuration is left out: it serves the roles, not this tool.
 */
@SpringBootApplication(excludeName = "io.zchat.shared.config.ChatSharedAutoConfiguration")
@ConfigurationPropertiesScan
public class LoadgenApplication {
    public static void main(String[] args) {
        System.exit(SpringApplication.exit(SpringApplication.run(LoadgenApplication.class, args)));
    }
}
