package dev.autocert.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small TCP load balancer on 127.0.0.1 for cluster tests: each new connection goes to the next backend port
 * in turn (round robin), bytes are copied both ways until either side closes. Point Pebble's {@code httpPort}
 * at {@link #port()}, and a validation lands on whichever node is next, as behind a real balancer.
 * A backend that refuses the connection (still starting, or stopped) is skipped for the next one, as a
 * balancer's health check would; when all refuse, the client's connection is closed.
 */
public final class RoundRobinProxy implements AutoCloseable {

    private final ServerSocket server;
    private final List<Integer> backends;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicLong connections = new AtomicLong();
    private final Map<Integer, AtomicLong> perBackend = new ConcurrentHashMap<>();
    private final Thread acceptor;
    private volatile boolean open = true;
    private volatile CountDownLatch held = new CountDownLatch(0);

    private RoundRobinProxy(List<Integer> backends) throws IOException {
        this.backends = List.copyOf(backends);
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), FreePorts.take()));
        for (int port : backends) {
            perBackend.put(port, new AtomicLong());
        }
        this.acceptor = new Thread(this::accept, "round-robin-proxy-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * @param backends the ports on 127.0.0.1 to spread connections over, in turn
     * @return the running proxy
     */
    public static RoundRobinProxy start(List<Integer> backends) {
        if (backends.isEmpty()) {
            throw new IllegalArgumentException("give at least one backend port");
        }
        try {
            return new RoundRobinProxy(backends);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the proxy on 127.0.0.1", e);
        }
    }

    /** @return the port the proxy listens on, 127.0.0.1 */
    public int port() {
        return server.getLocalPort();
    }

    /** @return how many connections were accepted */
    public long connections() {
        return connections.get();
    }

    /**
     * @param backend one of the backend ports
     * @return how many connections went to it (accepted by it)
     */
    public long connectionsTo(int backend) {
        return perBackend.get(backend).get();
    }

    /**
     * Holds every connection accepted from now on (for at most a minute) without forwarding it, as a stalled
     * balancer would: a CA's validation then stays in flight.
     */
    public void hold() {
        held = new CountDownLatch(1);
    }

    /** Forwards the held connections and every new one again. */
    public void release() {
        held.countDown();
    }

    private void accept() {
        while (open) {
            try {
                Socket client = server.accept();
                connections.incrementAndGet();
                int first = next.getAndIncrement();
                Thread t = new Thread(() -> relay(client, first), "round-robin-proxy-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (open) {
                    Commands.sleep(10);
                }
            }
        }
    }

    private void relay(Socket client, int first) {
        try {
            held.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        try (client; Socket upstream = connect(first)) {
            if (upstream == null) {
                return;
            }
            Thread back = new Thread(() -> copy(upstream, client), "round-robin-proxy-back");
            back.setDaemon(true);
            back.start();
            copy(client, upstream);
            back.join(30_000);
        } catch (IOException e) {
            // the backend refused or a side reset: the client sees its connection close
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** @return a connection to the first backend, from {@code first} on in turn, that accepts; {@code null} if none */
    private Socket connect(int first) {
        for (int i = 0; i < backends.size(); i++) {
            int backend = backends.get(Math.floorMod(first + i, backends.size()));
            Socket upstream = new Socket();
            try {
                upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), backend), 2000);
                perBackend.get(backend).incrementAndGet();
                return upstream;
            } catch (IOException refused) {
                try {
                    upstream.close();
                } catch (IOException ignored) {
                    // never connected
                }
            }
        }
        return null;
    }

    private static void copy(Socket from, Socket to) {
        byte[] buffer = new byte[8192];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            // one side closed
        }
    }

    /** Stops accepting; connections in flight end when their sides close. */
    @Override
    public void close() {
        open = false;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
