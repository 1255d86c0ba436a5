package io.zchat.client;

import io.zchat.shared.zmq.curve.CurveEnvFile;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

import java.util.Arrays;

/**
 * A chat client: with the {@code bot} profile, an automatic user. {@code --generate-keys} prints a
 * fresh set of CURVE keys as a compose environment file instead.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ClientApplication {
    public static void main(String[] args) {
        if (Arrays.asList(args).contains("--generate-keys")) {
            System.out.print(CurveEnvFile.generate());
            return;
        }
        SpringApplication.run(ClientApplication.class, args);
    }
}
