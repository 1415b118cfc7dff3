package io.anomstack.modelstore.storage;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PartBuffersTest {

    @Test
    void aBufferGivenBackIsTakenAgain() {
        PartBuffers buffers = new PartBuffers(2);
        byte[] first = buffers.take(1024);

        buffers.give(first);

        assertThat(buffers.take(1024)).isSameAs(first);
    }

    @Test
    void keepsAtMostMaxIdleBuffers() {
        PartBuffers buffers = new PartBuffers(2);
        byte[] a = buffers.take(1024);
        byte[] b = buffers.take(1024);
        byte[] c = buffers.take(1024);

        buffers.give(a);
        buffers.give(b);
        buffers.give(c);

        byte[] first = buffers.take(1024);
        byte[] second = buffers.take(1024);
        byte[] third = buffers.take(1024);
        assertThat(first).isSameAs(b);
        assertThat(second).isSameAs(a);
        assertThat(third).isNotSameAs(a).isNotSameAs(b).isNotSameAs(c);
    }

    @Test
    void aBufferOfAnotherSizeIsNotHandedOut() {
        PartBuffers buffers = new PartBuffers(2);
        byte[] small = buffers.take(1024);
        buffers.give(small);

        assertThat(buffers.take(2048)).hasSize(2048).isNotSameAs(small);
    }
}
