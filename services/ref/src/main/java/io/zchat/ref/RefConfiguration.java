package io.zchat.ref;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.io.IOException;
import java.time.Clock;

/** Loads what ref knew before it (re)started. */
@Configuration(proxyBeanMethods = false)
public class RefConfiguration {

    @Bean
    public ServerDirectoryFile serverDirectoryFile(RefProperties properties) throws IOException {
        return new ServerDirectoryFile(properties.dataDir());
    }

    @Bean
    public ServerDirectory serverDirectory(RefProperties properties, ServerDirectoryFile file) throws IOException {
        return new ServerDirectory(Clock.systemUTC(), properties.heartbeat().timeout(), file.load());
    }
}
