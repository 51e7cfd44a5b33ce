package dev.autocert.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Short commands, the search path and pauses, shared by the test kit's runners. */
final class Commands {

    private Commands() {
    }

    /**
     * What a short command did.
     *
     * @param exitCode its exit code, or -1 when it was killed for running too long
     * @param output   stdout and stderr together
     */
    record Result(int exitCode, String output) {

        /** @return whether it exited 0 in time */
        boolean ok() {
            return exitCode == 0;
        }
    }

    /**
     * Runs a command to its end (killed after {@code timeout}), its output in a temp file so a chatty
     * command never blocks on a full pipe.
     *
     * @param command   the command line
     * @param stdin     what to write to its standard input, or {@code null}
     * @param timeout   how long it may run
     * @param directory its working folder, or {@code null} for this one
     * @return the exit code and output
     */
    static Result run(List<String> command, String stdin, Duration timeout, Path directory) {
        Path out = null;
        try {
            out = Files.createTempFile("autocert-testkit", ".out");
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
            if (directory != null) {
                pb.directory(directory.toFile());
            }
            Process p = pb.start();
            if (stdin != null) {
                p.getOutputStream().write(stdin.getBytes(StandardCharsets.US_ASCII));
            }
            p.getOutputStream().close();
            int exit = -1;
            if (p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                exit = p.exitValue();
            } else {
                p.destroyForcibly();
            }
            return new Result(exit, Files.readString(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException ignored) {
                    // a temp file left behind is harmless
                }
            }
        }
    }

    /** @return the folders of the {@code PATH} environment variable, in order */
    static List<Path> searchPath() {
        List<Path> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String entry : path.split(File.pathSeparator)) {
                if (!entry.isBlank()) {
                    dirs.add(Paths.get(entry));
                }
            }
        }
        return dirs;
    }

    /** Sleeps; an interrupt becomes an exception, so polling loops end. */
    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
