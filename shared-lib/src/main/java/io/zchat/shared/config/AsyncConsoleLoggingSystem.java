package io.zchat.shared.config;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import org.slf4j.LoggerFactory;
import org.springframework.boot.logging.LogFile;
import org.springframework.boot.logging.LoggingInitializationContext;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.logging.LoggingSystemFactory;
import org.springframework.boot.logging.logback.LogbackLoggingSystem;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.util.ClassUtils;

import java.util.ArrayList;
import java.util.List;

/**
 * Spring Boot's Logback set-up built in code (patterns from {@code logging.pattern.*}), with
 * every appender of the root logger (the console, and the file when {@code logging.file.name} is
 * set) behind an {@link AsyncAppender}, so that no socket loop waits on output. Configuring in code
 * rather than from a {@code logback-spring.xml} spares every role Logback's XML configurator and
 * the JDK's XML parser: some 400 classes loaded at each start and held in memory for good. A
 * configuration file, if one is given ({@code logging.config}), is still honoured, as Boot does.
 */
public class AsyncConsoleLoggingSystem extends LogbackLoggingSystem {
    /** Events waiting for output before new ones are dropped rather than block their thread. */
    static final int QUEUE_SIZE = 8192;

    public AsyncConsoleLoggingSystem(ClassLoader classLoader) {
        super(classLoader);
    }

    @Override
    protected void loadDefaults(LoggingInitializationContext initializationContext, LogFile logFile) {
        super.loadDefaults(initializationContext, logFile);
        behindQueues((LoggerContext) LoggerFactory.getILoggerFactory());
    }

    static void behindQueues(LoggerContext context) {
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        List<Appender<ILoggingEvent>> appenders = new ArrayList<>();
        root.iteratorForAppenders().forEachRemaining(appenders::add);
        for (Appender<ILoggingEvent> appender : appenders) {
            AsyncAppender async = new AsyncAppender();
            async.setContext(context);
            async.setName("ASYNC-" + appender.getName());
            async.setQueueSize(QUEUE_SIZE);
            async.setDiscardingThreshold(0);
            async.setNeverBlock(true);
            async.addAppender(appender);
            async.start();
            root.detachAppender(appender);
            root.addAppender(async);
        }
    }

    /** Chosen ahead of Boot's own Logback system wherever Logback is on the class path. */
    @Order(Ordered.HIGHEST_PRECEDENCE)
    public static class Factory implements LoggingSystemFactory {
        private static final boolean PRESENT = ClassUtils.isPresent("ch.qos.logback.classic.LoggerContext",
                Factory.class.getClassLoader());

        @Override
        public LoggingSystem getLoggingSystem(ClassLoader classLoader) {
            return PRESENT ? new AsyncConsoleLoggingSystem(classLoader) : null;
        }
    }
}
