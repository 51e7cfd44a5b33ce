package dev.autocert.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * The swap benchmark's remote control inside a server process: a socket on 127.0.0.1 that takes one
 * command per connection, {@code swaps <count> <window ms>}, runs the {@link SwapDriver} and answers
 * with a header line, one line per swap ({@link SwapDriver.Result#line()}) and a last line
 * {@code end elapsed_ms=…} (from the command to the end of the last swap). An error ends the answer
 * with {@code error …} instead. {@code bench/lib/swap.sh} talks to it through bash's
 * {@code /dev/tcp} while its load clients run.
 */
final class SwapControl {

    private final ServerSocket socket;
    private final SwapDriver driver;

    private SwapControl(ServerSocket socket, SwapDriver driver) {
        this.socket = socket;
        this.driver = driver;
    }

    /**
     * Opens the socket on a free port and serves commands on a daemon thread.
     *
     * @param driver what the commands run
     * @return the control, listening
     * @throws IOException when no port can be bound
     */
    static SwapControl start(SwapDriver driver) throws IOException {
        SwapControl control = new SwapControl(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()), driver);
        Thread t = new Thread(control::serve, "bench-swap-control");
        t.setDaemon(true);
        t.start();
        return control;
    }

    /** @return the port on 127.0.0.1 */
    int port() {
        return socket.getLocalPort();
    }

    private void serve() {
        while (true) {
            try (Socket client = socket.accept();
                 BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
                 PrintWriter out = new PrintWriter(client.getOutputStream(), true, StandardCharsets.US_ASCII)) {
                answer(in.readLine(), out);
            } catch (IOException e) {
                System.err.println("swap control: " + e);
            }
        }
    }

    private void answer(String command, PrintWriter out) {
        String[] words = command == null ? new String[0] : command.trim().split("\\s+");
        if (words.length != 3 || !words[0].equals("swaps")) {
            out.println("error expected: swaps <count> <window ms>");
            return;
        }
        Duration window = Duration.ofMillis(Long.parseLong(words[2]));
        long start = System.nanoTime();
        out.println(SwapDriver.Result.header());
        try {
            driver.run(Integer.parseInt(words[1]), window, r -> out.println(r.line()));
            long elapsed = System.nanoTime() - start;
            out.printf(Locale.ROOT, "end elapsed_ms=%d%n", elapsed / 1_000_000);
        } catch (Exception e) {
            e.printStackTrace();
            out.println("error " + e);
        }
    }
}
