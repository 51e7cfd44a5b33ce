package dev.autocert.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * How a server process tells {@code bench/run.sh} that it serves: {@code key=value} lines (at least
 * {@code pid} and {@code port}) in the {@code --ready} file, which appears atomically once complete.
 */
final class ReadyFile {

    private ReadyFile() {
    }

    /**
     * Prints the lines and writes them to {@code ready} (a temporary file renamed over it).
     *
     * @param ready  the file {@code run.sh} waits for
     * @param values the facts to report, in order
     * @throws IOException when the file cannot be written
     */
    static void write(Path ready, Map<String, String> values) throws IOException {
        StringBuilder text = new StringBuilder();
        values.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        System.out.print(text);
        System.out.flush();
        Path tmp = ready.resolveSibling(ready.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, ready, StandardCopyOption.ATOMIC_MOVE);
    }
}
