package io.zchat.shared.config;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class AsyncConsoleLoggingSystemTest {

    @Test
    void everyRootAppenderEndsUpBehindAQueueThatNeverBlocksAndStillDelivers() {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter()); // what the SLF4J provider sets on its own context
        context.start();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> output = new ListAppender<>();
        output.setContext(context);
        output.setName("CONSOLE");
        output.start();
        root.addAppender(output);

        AsyncConsoleLoggingSystem.behindQueues(context);

        List<Appender<ILoggingEvent>> attached = new ArrayList<>();
        root.iteratorForAppenders().forEachRemaining(attached::add);
        assertThat(attached).singleElement().isInstanceOf(AsyncAppender.class);
        AsyncAppender async = (AsyncAppender) attached.get(0);
        assertThat(async.getAppender("CONSOLE")).isSameAs(output);
        assertThat(async.isNeverBlock()).isTrue();
        assertThat(async.getQueueSize()).isEqualTo(AsyncConsoleLoggingSystem.QUEUE_SIZE);
        assertThat(async.getDiscardingThreshold()).isZero();

        context.getLogger("io.zchat.test").info("through the queue");
        await().atMost(Duration.ofSeconds(5)).until(() -> !output.list.isEmpty());
        assertThat(output.list.get(0).getFormattedMessage()).isEqualTo("through the queue");
        context.stop();
    }
}
