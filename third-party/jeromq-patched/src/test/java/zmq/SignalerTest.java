package zmq;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class SignalerTest {
    private final Ctx ctx = new Ctx();

    @AfterEach
    void terminate() {
        ctx.terminate();
    }

    /**
     * The race the patch removes: writing the signal's byte wakes the reader, and a reader that
     * runs before the sender has counted the signal is told "nothing sent" and (in ZeroMQ's
     * pollers) polls the still readable pipe again at once, spinning until the sender runs. So the
     * signal must already be counted when its byte is written.
     */
    @Test
    void aSignalIsCountedBeforeItsByteWakesTheReader() throws Exception {
        Signaler signaler = new Signaler(ctx, 1, ctx.errno());
        AtomicLong sentCount = (AtomicLong) field("wcursor").get(signaler);
        Field sink = field("w");
        Pipe.SinkChannel original = (Pipe.SinkChannel) sink.get(signaler);
        List<Long> countedAtWrite = new ArrayList<>();
        sink.set(signaler, new CountCheckingSink(original, () -> countedAtWrite.add(sentCount.get())));
        try {
            signaler.send();
            signaler.send();
        } finally {
            sink.set(signaler, original);
        }

        assertThat(countedAtWrite).containsExactly(1L, 2L);
        assertThat(signaler.waitEvent(0)).isTrue();
        signaler.recv();
        signaler.recv();
        assertThat(signaler.waitEvent(0)).as("both signals read").isFalse();
        signaler.close();
    }

    private static Field field(String name) throws NoSuchFieldException {
        Field field = Signaler.class.getDeclaredField(name);
        field.setAccessible(true);
        return field;
    }

    /** The signaler's pipe end, noting the sent count whenever a byte is written. */
    private static final class CountCheckingSink extends Pipe.SinkChannel {
        private final Pipe.SinkChannel delegate;
        private final Runnable beforeWrite;

        CountCheckingSink(Pipe.SinkChannel delegate, Runnable beforeWrite) {
            super(delegate.provider());
            this.delegate = delegate;
            this.beforeWrite = beforeWrite;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            beforeWrite.run();
            return delegate.write(src);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            beforeWrite.run();
            return delegate.write(srcs, offset, length);
        }

        @Override
        public long write(ByteBuffer[] srcs) throws IOException {
            return write(srcs, 0, srcs.length);
        }

        @Override
        protected void implCloseSelectableChannel() throws IOException {
            delegate.close();
        }

        @Override
        protected void implConfigureBlocking(boolean block) throws IOException {
            delegate.configureBlocking(block);
        }
    }
}
