package dev.autocert.jetty;

import dev.autocert.testkit.FreePorts;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy in front of the server that re-frames the client's ClientHello into TLS records of at
 * most {@code recordSize} bytes, each written separately with a pause, then relays everything else
 * unchanged. It makes the server see what clients with large hellos (post-quantum key shares, big
 * tickets) or odd middleboxes produce: one handshake message spread over many records and reads.
 */
final class RecordSplittingProxy implements AutoCloseable {

    final int port = FreePorts.take();
    private final int target;
    private final int recordSize;
    private final ServerSocket listener;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "record-splitting-proxy");
        t.setDaemon(true);
        return t;
    });

    RecordSplittingProxy(int target, int recordSize) throws IOException {
        this.target = target;
        this.recordSize = recordSize;
        listener = new ServerSocket();
        listener.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
        threads.execute(this::acceptLoop);
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                threads.execute(() -> relay(client));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void relay(Socket client) {
        try (client; Socket server = new Socket("127.0.0.1", target)) {
            server.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(client.getInputStream());
            OutputStream out = server.getOutputStream();
            byte[] version = new byte[2];
            byte[] message = readClientHello(in, version);
            for (int off = 0; off < message.length; off += recordSize) {
                int n = Math.min(recordSize, message.length - off);
                out.write(new byte[] {22, version[0], version[1], (byte) (n >> 8), (byte) n});
                out.write(message, off, n);
                out.flush();
                Thread.sleep(2); // separate TCP segments, so the server reads the hello in pieces
            }
            threads.execute(() -> pipe(server, client));
            pipe(client, server);
        } catch (IOException | InterruptedException e) {
            // the test sees the failure on its side
        }
    }

    /** Reads records until one whole handshake message (the ClientHello) is collected. */
    private static byte[] readClientHello(DataInputStream in, byte[] version) throws IOException {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        int needed = -1;
        while (needed < 0 || message.size() < needed) {
            int type = in.readUnsignedByte();
            if (type != 22) {
                throw new IOException("not a handshake record: " + type);
            }
            in.readFully(version);
            byte[] fragment = new byte[in.readUnsignedShort()];
            in.readFully(fragment);
            message.write(fragment);
            if (needed < 0 && message.size() >= 4) {
                byte[] head = message.toByteArray();
                needed = 4 + (((head[1] & 0xFF) << 16) | ((head[2] & 0xFF) << 8) | (head[3] & 0xFF));
            }
        }
        return message.toByteArray();
    }

    private static void pipe(Socket from, Socket to) {
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            // one side closed
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        listener.close();
        threads.shutdownNow();
        threads.awaitTermination(5, TimeUnit.SECONDS);
    }
}
