package dev.autocert.testkit;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real PostgreSQL starts in a temp folder on a free port with a password, keeps its data across a stop and
 * start by PID, and is gone with its folder after close.
 */
class PostgresTest {

    @Test
    void servesADatabaseSurvivesARestartAndStopsByPid() {
        Path log;
        long pid;
        try (Postgres pg = Postgres.start()) {
            assertTrue(pg.isRunning());
            pid = pg.pid();
            log = pg.logFile();
            assertEquals("jdbc:postgresql://127.0.0.1:" + pg.port() + "/kit", pg.createDatabase("kit"));
            pg.psql("kit", "CREATE TABLE t (v text)");
            pg.psql("kit", "INSERT INTO t VALUES ('kept')");

            pg.stop();
            assertFalse(pg.isRunning());
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the postmaster is gone");
            assertThrows(IllegalStateException.class, () -> pg.psql("kit", "SELECT 1"));

            pg.startServer();
            assertEquals("kept", pg.psql("kit", "SELECT v FROM t"));
            pid = pg.pid();
        }
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "close stops the postmaster");
        assertFalse(Files.exists(log), "close deletes the temp folder");
    }

    @Test
    void aWrongPasswordIsRefused() {
        try (Postgres pg = Postgres.start()) {
            ProcessBuilder pb = new ProcessBuilder(Postgres.findBin(null).resolve("psql").toString(), "-X", "-h", "127.0.0.1",
                    "-p", Integer.toString(pg.port()), "-U", pg.user(), "-d", "postgres", "-c", "SELECT 1").redirectErrorStream(true);
            pb.environment().put("PGPASSWORD", "wrong");
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes());
            assertTrue(p.waitFor() != 0 && out.contains("password authentication failed"), out);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aMissingBinaryFolderNamesTheDebianPackage() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Postgres.findBin("/nonexistent-postgres-bin"));
        assertTrue(e.getMessage().contains("apt-get install -y postgresql"), e.getMessage());
    }
}
