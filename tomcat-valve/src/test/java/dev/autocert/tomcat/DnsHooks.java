package dev.autocert.tomcat;

import dev.autocert.testkit.Bind;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/** Test hooks for {@code dnsHook}: shell scripts that log each call and optionally publish into a {@link Bind} with nsupdate. */
final class DnsHooks {

    private DnsHooks() {
    }

    /**
     * A hook that appends "{@code <action> <record name> <value> <AUTOCERT_DOMAIN>}" to {@code log}, then
     * adds or deletes exactly that TXT record in {@code bind} with nsupdate (signed with its key).
     */
    static Path nsupdate(Path dir, Path log, Bind bind) throws IOException {
        return script(dir.resolve("nsupdate-hook.sh"), "echo \"$1 $2 $3 $AUTOCERT_DOMAIN\" >> '" + log + "'\n"
                + "case \"$1\" in\n"
                + "  add) cmd=\"update add $2. 60 IN TXT \\\"$3\\\"\" ;;\n"
                + "  remove) cmd=\"update delete $2. IN TXT \\\"$3\\\"\" ;;\n"
                + "  *) echo \"unknown action: $1\" >&2; exit 2 ;;\n"
                + "esac\n"
                + "printf 'server 127.0.0.1 " + bind.port() + "\\n%s\\nsend\\n' \"$cmd\" | nsupdate -k '" + bind.keyFile() + "'\n");
    }

    /** A hook that only logs its calls and exits 0: the record never appears anywhere. */
    static Path logOnly(Path dir, Path log) throws IOException {
        return script(dir.resolve("log-hook.sh"), "echo \"$1 $2 $3 $AUTOCERT_DOMAIN\" >> '" + log + "'\n");
    }

    /** A hook that writes {@code message} to stderr and exits 1. */
    static Path failing(Path dir, String message) throws IOException {
        return script(dir.resolve("failing-hook.sh"), "echo '" + message + "' >&2\nexit 1\n");
    }

    /** @return the logged calls, or none yet */
    static List<String> calls(Path log) throws IOException {
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    private static Path script(Path file, String body) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }
}
