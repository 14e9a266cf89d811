package io.wgate.bench;

import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * JMH executor whose worker threads are Netty {@code FastThreadLocalThread}s, like the event-loop threads
 * the gateway runs on. Netty's buffer pools recycle buffer objects only per such thread, so a benchmark
 * of code that runs on an event loop must run on one of these to measure allocation honestly. Selected
 * with {@code -Djmh.executor=CUSTOM -Djmh.executor.class=io.wgate.bench.FastThreadLocalExecutor}.
 */
public final class FastThreadLocalExecutor extends ThreadPoolExecutor {

    /** The constructor JMH's CUSTOM executor mode calls. */
    public FastThreadLocalExecutor(int maxThreads, String prefix) {
        super(maxThreads, maxThreads, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(),
                new DefaultThreadFactory(prefix, true));
    }
}
