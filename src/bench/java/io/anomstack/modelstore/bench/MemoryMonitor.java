package io.anomstack.modelstore.bench;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Watches the service's memory while a transfer runs: heap in use (actuator, sampled every {@link #PERIOD_MS} ms)
 * and peak RSS (VmHWM, which the kernel keeps exactly; reset at the start so that it is this transfer's peak).
 */
final class MemoryMonitor implements AutoCloseable {

    /** Each poll costs the service a few milliseconds of CPU: 4 a second keep that to about 2% of a core. */
    static final int PERIOD_MS = 250;

    /**
     * What one transfer cost in memory: the most heap the actuator showed, the most heap in use before a
     * collection (-1 when none ran), and the peak RSS.
     */
    record Peak(long heapBytes, long heapBeforeGcBytes, long rssBytes, boolean rssReset, int samples) {

        /** The higher of the two heap peaks: the sampled one can miss the top of the saw-tooth. */
        long peakHeapBytes() {
            return Math.max(heapBytes, heapBeforeGcBytes);
        }
    }

    private final ServiceProcess service;
    private final boolean rssReset;
    private final long gcLogPosition;
    private final AtomicLong peakHeap = new AtomicLong();
    private final Thread poller;
    private volatile boolean running = true;
    private volatile int samples;
    private volatile Exception failure;

    private MemoryMonitor(ServiceProcess service) {
        this.service = service;
        this.rssReset = service.resetPeakRss();
        this.gcLogPosition = service.gcLogPosition();
        this.poller = new Thread(this::poll, "memory-monitor");
        this.poller.setDaemon(true);
        this.poller.start();
    }

    static MemoryMonitor watch(ServiceProcess service) {
        return new MemoryMonitor(service);
    }

    private void poll() {
        while (running) {
            try {
                long heap = service.heapUsed();
                peakHeap.accumulateAndGet(heap, Math::max);
                samples++;
                Thread.sleep(PERIOD_MS);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                if (running) {
                    failure = e;
                }
                return;
            }
        }
    }

    /** Stops watching and returns the peaks; takes a last heap sample so that short transfers have one. */
    Peak stop() throws Exception {
        running = false;
        poller.interrupt();
        poller.join(10_000);
        if (failure != null) {
            throw failure;
        }
        peakHeap.accumulateAndGet(service.heapUsed(), Math::max);
        return new Peak(peakHeap.get(), service.heapBeforeGcSince(gcLogPosition), service.procStatus("VmHWM"), rssReset, samples + 1);
    }

    @Override
    public void close() {
        running = false;
        poller.interrupt();
    }
}
