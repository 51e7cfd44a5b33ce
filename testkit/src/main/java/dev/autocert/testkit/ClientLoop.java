package dev.autocert.testkit;

import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A client that keeps connecting on a thread of its own while a test does something to the server: each round runs
 * the probe and counts what it said ({@code true}: a match, {@code false}: something else) or that it threw (a
 * failure, e.g. a handshake the server refused). {@link #close()} stops it after the round under way.
 */
public final class ClientLoop implements AutoCloseable {

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger matched = new AtomicInteger();
    private final AtomicInteger other = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final Thread thread;

    private ClientLoop(Callable<Boolean> probe) {
        thread = new Thread(() -> {
            while (running.get()) {
                try {
                    (probe.call() ? matched : other).incrementAndGet();
                } catch (Exception | AssertionError e) {
                    failed.incrementAndGet();
                }
            }
        }, "client-loop");
        thread.setDaemon(true);
    }

    /**
     * @param probe one round: a handshake (and maybe a request); {@code true} when it got what the test expects
     * @return the running loop
     */
    public static ClientLoop start(Callable<Boolean> probe) {
        ClientLoop loop = new ClientLoop(probe);
        loop.thread.start();
        return loop;
    }

    /** @return the rounds whose probe returned {@code true} so far */
    public int matched() {
        return matched.get();
    }

    /** @return the rounds whose probe returned {@code false} so far */
    public int other() {
        return other.get();
    }

    /** @return the rounds whose probe threw so far */
    public int failed() {
        return failed.get();
    }

    /** Stops the loop and waits for the round under way. */
    @Override
    public void close() {
        running.set(false);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
